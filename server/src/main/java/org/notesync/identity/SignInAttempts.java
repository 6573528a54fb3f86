package org.notesync.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Holds off password guessing on the clinicians' login page, as Auth0's brute-force protection does: after
 * {@link #PER_ACCOUNT} failed sign-ins for one email from one address within {@link #WINDOW}, that address's
 * sign-ins for that email are refused, the right password too, until the window has passed since enough of the
 * failures; after {@link #PER_ADDRESS} from one address for any emails, all of that address's. A clinician is not
 * locked out by someone guessing from elsewhere, up to {@link #PER_ACCOUNT_ANYWHERE} failures for the email from
 * all addresses together, after which every sign-in for it is held off: that bounds the guesses of someone who
 * spreads them over many addresses (or, on a network Tomcat trusts for {@code X-Forwarded-For}, makes them up). Failures are counted in the database, so on every node alike,
 * for unknown emails as for known ones (the refusal says nothing of whether the account exists), and a refused
 * attempt checks no password (no bcrypt work for the guesser to spend). A sign-in that succeeds clears its
 * email's failures from its address. Written by hand: Spring Security has no such counter, and a rate limiter
 * (the API's token buckets) would count successful sign-ins too and hold per node.
 */
final class SignInAttempts implements AuthenticationProvider {

    static final int PER_ACCOUNT = 10;
    static final int PER_ADDRESS = 100;
    static final int PER_ACCOUNT_ANYWHERE = 100;
    static final Duration WINDOW = Duration.ofMinutes(15);

    private final AuthenticationProvider passwords;
    private final JdbcClient jdbc;
    private final Clock clock;

    SignInAttempts(AuthenticationProvider passwords, JdbcClient jdbc, Clock clock) {
        this.passwords = passwords;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Refused without a password check: too many failed sign-ins; {@link #retryAfter} says for how long. */
    static final class TooManyFailures extends AuthenticationException {
        private final Duration retryAfter;

        TooManyFailures(Duration retryAfter) {
            super("Too many failed sign-ins");
            this.retryAfter = retryAfter;
        }

        Duration retryAfter() {
            return retryAfter;
        }
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String account = TokenHashes.of("account:" + Optional.ofNullable(Accounts.normalize(authentication.getName()))
                .orElse(""));
        String address = TokenHashes.of("address:" + (authentication.getDetails() instanceof WebAuthenticationDetails web
                && web.getRemoteAddress() != null ? web.getRemoteAddress() : ""));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS); // as the database keeps it
        OffsetDateTime since = now.minus(WINDOW).atOffset(ZoneOffset.UTC);
        // The attempt is written first, as if it failed, and counted against the others without itself: attempts
        // sent in parallel see each other, so no more than the limit are checked (read first, all 50 of a burst
        // were checked). Taken back when it is refused or succeeds.
        UUID attempt = UUID.randomUUID();
        jdbc.sql("INSERT INTO sign_in_failures (id, account_hash, address_hash, failed_at) VALUES (?, ?, ?, ?)")
                .params(attempt, account, address, now.atOffset(ZoneOffset.UTC)).update();
        Optional<Instant> held = heldUntil(jdbc.sql("SELECT failed_at FROM sign_in_failures WHERE account_hash = ? "
                        + "AND address_hash = ? AND failed_at > ? AND id <> ? ORDER BY failed_at DESC "
                        + "OFFSET ? ROWS FETCH NEXT 1 ROW ONLY").params(account, address, since, attempt, PER_ACCOUNT - 1))
                .or(() -> heldUntil(jdbc.sql("SELECT failed_at FROM sign_in_failures WHERE address_hash = ? "
                        + "AND failed_at > ? AND id <> ? ORDER BY failed_at DESC OFFSET ? ROWS FETCH NEXT 1 ROW ONLY")
                        .params(address, since, attempt, PER_ADDRESS - 1)))
                .or(() -> heldUntil(jdbc.sql("SELECT failed_at FROM sign_in_failures WHERE account_hash = ? "
                        + "AND failed_at > ? AND id <> ? ORDER BY failed_at DESC OFFSET ? ROWS FETCH NEXT 1 ROW ONLY")
                        .params(account, since, attempt, PER_ACCOUNT_ANYWHERE - 1)));
        if (held.isPresent()) {
            forget(attempt);
            throw new TooManyFailures(Duration.between(now, held.get()).isNegative() ? Duration.ZERO
                    : Duration.between(now, held.get()));
        }
        Authentication signedIn;
        try {
            signedIn = passwords.authenticate(authentication);
        } catch (BadCredentialsException wrong) { // an unknown email too (hidden as bad credentials by Spring)
            jdbc.sql("DELETE FROM sign_in_failures WHERE failed_at < ?").param(since).update();
            throw wrong;
        } catch (RuntimeException notChecked) {
            forget(attempt);
            throw notChecked;
        }
        // Its email's failures from this address before it; one sent in parallel is counted when it fails.
        jdbc.sql("DELETE FROM sign_in_failures WHERE account_hash = ? AND address_hash = ? AND failed_at <= ?")
                .params(account, address, now.atOffset(ZoneOffset.UTC)).update();
        forget(attempt);
        return signedIn;
    }

    private void forget(UUID attempt) {
        jdbc.sql("DELETE FROM sign_in_failures WHERE id = ?").param(attempt).update();
    }

    /** When the failure that makes the count reach its limit leaves the window, if there is one. */
    private static Optional<Instant> heldUntil(JdbcClient.StatementSpec limitth) {
        return limitth.query(OffsetDateTime.class).optional().map(failed -> failed.toInstant().plus(WINDOW));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    /**
     * A refused sign-in's page: a 429 saying for how long, with {@code Retry-After}; a wrong password goes back
     * to the login page, as before.
     */
    static AuthenticationFailureHandler failurePage() {
        AuthenticationFailureHandler wrongPassword = new SimpleUrlAuthenticationFailureHandler("/login?error");
        return (HttpServletRequest request, HttpServletResponse response, AuthenticationException exception) -> {
            if (!(exception instanceof TooManyFailures held)) {
                wrongPassword.onAuthenticationFailure(request, response, exception);
                return;
            }
            long minutes = Math.max(1, (held.retryAfter().toSeconds() + 59) / 60);
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            response.setHeader("Retry-After", Long.toString(Math.max(1, (held.retryAfter().toMillis() + 999) / 1000)));
            response.setContentType("text/html;charset=UTF-8");
            response.getWriter().write("""
                    <!doctype html><html><head><meta charset="utf-8"><title>Too many failed sign-ins</title>
                    <link href="/default-ui.css" rel="stylesheet"></head>
                    <body><div class="content"><h2>Too many failed sign-ins</h2>
                    <p>There have been too many failed sign-ins from here. Try again in %d minute%s.</p>
                    <p><a href="/login">Sign in</a></p></div></body></html>"""
                    .formatted(minutes, minutes == 1 ? "" : "s"));
        };
    }
}
