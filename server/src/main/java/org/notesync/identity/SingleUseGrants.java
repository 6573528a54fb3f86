package org.notesync.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.notesync.logging.LoggedErrors;
import org.notesync.web.Databases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceCodeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenRevocationAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2ErrorAuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One redemption at a time per grant: of an authorization code, a refresh token or a device code, and a revocation.
 * Spring's grant providers read the credential's authorization, check that it is still valid, and write it back
 * invalidated with the new tokens, with nothing in between that stops a second request for the same credential
 * from reading it valid too: ten parallel refreshes with one refresh token got up to ten sets of tokens, all of
 * them working (RFC 6749, 4.1.2 and 6, want a code used once and a refresh token replaced); and a revocation
 * written between a refresh's read and its write was overwritten by it, the grant working again an hour later.
 * Around each of those providers, after the client has authenticated, on the grant the credential belongs to (its
 * authorization, found by the credential; the credential itself when it belongs to none): a lock in this JVM, so
 * that a node has at most one request per grant holding a database connection; then, on PostgreSQL, a transaction
 * that takes an advisory lock on the grant before the provider reads it, so that a request on another node reads
 * it only once the first has committed. The tokens are written in that transaction and answered after its commit.
 * A wait longer than {@link #LOCK_WAIT} for either lock, or a database that fails, is a 503
 * {@code temporarily_unavailable} with nothing stored or answered, never a request held without end.
 * <p>
 * A credential used again by its own client ends its grant, since one of the two users of it copied it: a code
 * (RFC 6749, 4.1.2: Spring invalidates the grant's tokens, and this lists them in {@link RevokedTokens}, which the
 * API checks) and a refresh token already replaced by a refresh (RFC 9700, 4.14.2: the replaced ones are kept,
 * hashed, in {@code spent_refresh_tokens} until they would have expired; one used again within {@link #REUSE_GRACE}
 * of its refresh is only refused). The client signs in again. A replaced refresh token revoked by its client
 * (RFC 7009) ends the grant too, as its current one would. Another client bringing any of them changes nothing.
 */
final class SingleUseGrants {

    private static final Logger log = LoggerFactory.getLogger(SingleUseGrants.class);
    private static final OAuth2TokenType CODE = new OAuth2TokenType(OAuth2ParameterNames.CODE);
    private static final OAuth2TokenType DEVICE_CODE = new OAuth2TokenType(OAuth2ParameterNames.DEVICE_CODE);
    /** How long a request waits for another on its grant before it is answered 503. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(10);
    static final String UNAVAILABLE = "temporarily_unavailable";
    /**
     * A replaced refresh token used again this soon after its refresh is refused without ending the grant: two
     * processes sharing a token store (which the SDK supports) that refresh at once, as Okta's grace period and
     * Auth0's reuse interval allow for.
     */
    static final Duration REUSE_GRACE = Duration.ofMinutes(1);

    /** The key space of these advisory locks (two-integer keys, apart from the other uses). */
    static final int SPACE = 0x4F_41_55_54; // "OAUT"

    private final boolean postgres;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ReentrantLock[] local = new ReentrantLock[256];

    private final OAuth2AuthorizationService authorizations;
    private final RevokedTokens revoked;
    private final Clock clock;
    private Duration lockWait = LOCK_WAIT;

    SingleUseGrants(DataSource dataSource, JdbcClient jdbc, PlatformTransactionManager transactions,
            OAuth2AuthorizationService authorizations, RevokedTokens revoked, Clock clock) {
        this.postgres = Databases.isPostgres(dataSource);
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
        this.authorizations = authorizations;
        this.revoked = revoked;
        this.clock = clock;
        for (int i = 0; i < local.length; i++) {
            local[i] = new ReentrantLock();
        }
    }

    /** Waits at most {@code wait} for a lock instead of {@link #LOCK_WAIT} (for tests). */
    SingleUseGrants waitingAtMost(Duration wait) {
        this.lockWait = wait;
        return this;
    }

    /** The provider, redeeming one credential of a grant at a time; any other provider as it is. */
    AuthenticationProvider around(AuthenticationProvider provider) {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                String credential = credential(authentication);
                return credential == null ? provider.authenticate(authentication)
                        : oneAtATime(grant(authentication, credential),
                                () -> redeem(provider, authentication, credential));
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return provider.supports(authentication);
            }
        };
    }

    private static String credential(Authentication authentication) {
        if (authentication instanceof OAuth2AuthorizationCodeAuthenticationToken code) {
            return code.getCode();
        }
        if (authentication instanceof OAuth2RefreshTokenAuthenticationToken refresh) {
            return refresh.getRefreshToken();
        }
        if (authentication instanceof OAuth2DeviceCodeAuthenticationToken device) {
            return device.getDeviceCode();
        }
        if (authentication instanceof OAuth2TokenRevocationAuthenticationToken revocation) {
            return revocation.getToken();
        }
        return null;
    }

    /**
     * What the lock is taken on: the grant (authorization) the credential belongs to, found before the lock (its id
     * never changes, so a refresh that replaces the credential meanwhile leaves it the same), or, for a credential
     * of no grant, the credential itself.
     */
    private String grant(Authentication authentication, String credential) {
        try {
            OAuth2TokenType type = authentication instanceof OAuth2AuthorizationCodeAuthenticationToken ? CODE
                    : authentication instanceof OAuth2RefreshTokenAuthenticationToken ? OAuth2TokenType.REFRESH_TOKEN
                    : authentication instanceof OAuth2DeviceCodeAuthenticationToken ? DEVICE_CODE
                    : null; // a revocation: any of the grant's tokens
            OAuth2Authorization authorization = authorizations.findByToken(credential, type);
            if (authorization != null) {
                return "grant:" + authorization.getId();
            }
            return spentGrant(credential).map(id -> "grant:" + id).orElse("credential:" + credential);
        } catch (DataAccessException e) {
            throw unavailable(e);
        }
    }

    /** The provider's redemption, and what a credential used again does to its grant. */
    private Authentication redeem(AuthenticationProvider provider, Authentication authentication, String credential) {
        if (authentication instanceof OAuth2RefreshTokenAuthenticationToken) {
            OAuth2Authorization current = authorizations.findByToken(credential, OAuth2TokenType.REFRESH_TOKEN);
            Authentication tokens;
            try {
                tokens = provider.authenticate(authentication);
            } catch (AuthenticationException refused) {
                if (current == null) {
                    endGrantOfSpent(credential, authentication, false);
                }
                throw refused;
            }
            if (current != null && current.getRefreshToken() != null
                    && tokens instanceof OAuth2AccessTokenAuthenticationToken issued
                    && issued.getRefreshToken() != null
                    && !issued.getRefreshToken().getTokenValue().equals(credential)) {
                spent(credential, current.getId(), current.getRefreshToken().getToken());
            }
            return tokens;
        }
        if (authentication instanceof OAuth2TokenRevocationAuthenticationToken) {
            boolean current = authorizations.findByToken(credential, null) != null;
            Authentication revocation = provider.authenticate(authentication);
            if (!current) {
                endGrantOfSpent(credential, authentication, true);
            }
            return revocation;
        }
        try {
            return provider.authenticate(authentication);
        } catch (AuthenticationException refused) {
            if (authentication instanceof OAuth2AuthorizationCodeAuthenticationToken) {
                codeUsedAgain(credential, authentication);
            }
            throw refused;
        }
    }

    private Optional<String> spentGrant(String refreshToken) {
        return jdbc.sql("SELECT authorization_id FROM spent_refresh_tokens WHERE token_hash = ? AND expires_at > ?")
                .params(TokenHashes.of(refreshToken), clock.instant().atOffset(ZoneOffset.UTC))
                .query(String.class).optional();
    }

    private void spent(String refreshToken, String authorizationId, OAuth2RefreshToken token) {
        Instant now = clock.instant();
        Instant until = token.getExpiresAt() != null ? token.getExpiresAt() : now.plus(Clients.REFRESH_TOKEN_TTL);
        jdbc.sql("DELETE FROM spent_refresh_tokens WHERE expires_at < ?").param(now.atOffset(ZoneOffset.UTC)).update();
        jdbc.sql("INSERT INTO spent_refresh_tokens (token_hash, authorization_id, replaced_at, expires_at) "
                        + "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(TokenHashes.of(refreshToken), authorizationId, now.atOffset(ZoneOffset.UTC),
                        until.atOffset(ZoneOffset.UTC)).update();
    }

    /**
     * A replaced refresh token, used again or revoked by the client it was issued to: its grant's tokens stop
     * working.
     */
    private void endGrantOfSpent(String refreshToken, Authentication authentication, boolean byRevocation) {
        if (!byRevocation && jdbc.sql("SELECT COUNT(*) FROM spent_refresh_tokens WHERE token_hash = ? "
                        + "AND replaced_at > ?")
                .params(TokenHashes.of(refreshToken), clock.instant().minus(REUSE_GRACE).atOffset(ZoneOffset.UTC))
                .query(Integer.class).single() > 0) {
            return; // two users of one token store refreshing at once, most likely: refused, and nothing more
        }
        OAuth2Authorization authorization = spentGrant(refreshToken).map(authorizations::findById).orElse(null);
        if (authorization == null || !sentByItsClient(authorization, authentication)) {
            return;
        }
        OAuth2Authorization.Token<OAuth2RefreshToken> refresh = authorization.getRefreshToken();
        if (refresh != null && !refresh.isInvalidated()) {
            // Spring invalidates the grant's access token (and code) with its refresh token.
            authorizations.save(OAuth2Authorization.from(authorization).invalidate(refresh.getToken()).build());
        }
        revokeAccessTokens(authorization);
        if (!byRevocation) {
            log.warn("A replaced refresh token of client {} was used again: its grant is revoked, and the client "
                    + "must be authorized again (RFC 9700, 4.14.2)", authorization.getRegisteredClientId());
        }
    }

    /** A code redeemed before: Spring has invalidated its grant's tokens; the access tokens are refused too. */
    private void codeUsedAgain(String code, Authentication authentication) {
        OAuth2Authorization authorization = authorizations.findByToken(code, CODE);
        if (authorization == null || !sentByItsClient(authorization, authentication)) {
            return;
        }
        OAuth2Authorization.Token<OAuth2AuthorizationCode> redeemed = authorization.getToken(OAuth2AuthorizationCode.class);
        OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
        if (redeemed != null && redeemed.isInvalidated() && access != null && access.isInvalidated()) {
            revokeAccessTokens(authorization);
        }
    }

    private void revokeAccessTokens(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
        if (access != null && access.getToken().getExpiresAt() != null) {
            revoked.listGrant(authorization.getId(), access.getToken().getExpiresAt());
        }
    }

    private static boolean sentByItsClient(OAuth2Authorization authorization, Authentication authentication) {
        return authentication.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
                && client.getRegisteredClient() != null
                && client.getRegisteredClient().getId().equals(authorization.getRegisteredClientId());
    }

    private interface Redemption {
        Authentication run();
    }

    /** What a provider's refusal leaves in the transaction (a reused code revokes its tokens) is committed too. */
    private record Outcome(Authentication tokens, AuthenticationException refused) {
    }

    private Authentication oneAtATime(String grant, Redemption redemption) {
        int key = key(grant);
        ReentrantLock lock = local[Math.floorMod(key, local.length)];
        try {
            if (!lock.tryLock(lockWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw unavailable(null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e);
        }
        try {
            // In one transaction on H2 too (one node: the lock above is enough), so that the new refresh token and
            // the replaced one's record are written together: a reuse between them went unnoticed.
            Outcome outcome = transactions.execute(tx -> {
                if (postgres) {
                    jdbc.sql("SET LOCAL lock_timeout = '" + lockWait.toMillis() + "ms'").update();
                    jdbc.sql("SELECT pg_advisory_xact_lock(:space, :key)").param("space", SPACE).param("key", key)
                            .query().listOfRows();
                }
                try {
                    return new Outcome(redemption.run(), null);
                } catch (AuthenticationException refused) {
                    return new Outcome(null, refused);
                }
            });
            if (outcome.refused() != null) {
                throw outcome.refused();
            }
            return outcome.tokens();
        } catch (DataAccessException | TransactionException e) {
            // The lock not had in time, or the database failing: nothing of this request was stored or answered.
            throw unavailable(e);
        } finally {
            lock.unlock();
        }
    }

    private static OAuth2AuthenticationException unavailable(Exception cause) {
        if (cause != null) {
            log.warn("A token request could not be served, answered 503: {}", LoggedErrors.summary(cause));
        }
        return new OAuth2AuthenticationException(new OAuth2Error(UNAVAILABLE,
                "The request could not be served now; try again in a few seconds.", null));
    }

    /**
     * The token and revocation endpoints' error answer: Spring's (400), except a 503 with {@code Retry-After} for
     * {@link #UNAVAILABLE}, which the client may simply send again.
     */
    static AuthenticationFailureHandler errorResponse() {
        AuthenticationFailureHandler spring = new OAuth2ErrorAuthenticationFailureHandler();
        HttpMessageConverter<OAuth2Error> errors = new OAuth2ErrorHttpMessageConverter();
        return (request, response, exception) -> {
            if (!(exception instanceof OAuth2AuthenticationException oauth)
                    || !UNAVAILABLE.equals(oauth.getError().getErrorCode())) {
                spring.onAuthenticationFailure(request, response, exception);
                return;
            }
            ServletServerHttpResponse answer = new ServletServerHttpResponse(response);
            answer.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
            answer.getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
            answer.getHeaders().setCacheControl("no-store");
            errors.write(oauth.getError(), null, answer);
        };
    }

    static int key(String credential) {
        return (int) Long.parseLong(TokenHashes.of(credential).substring(0, 8), 16);
    }
}
