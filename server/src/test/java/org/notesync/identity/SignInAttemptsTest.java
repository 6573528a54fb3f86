package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.notesync.support.SettableClock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/** The failed sign-in counter, on the V20 table in H2 as the embedded default runs it. */
class SignInAttemptsTest {

    private static final String RIGHT = "the-right-password";

    private final SettableClock clock = new SettableClock();
    private final AtomicInteger checked = new AtomicInteger();
    private volatile long checkTakes;
    private SignInAttempts attempts;

    @BeforeEach
    void database() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:sign-in-" + System.nanoTime()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
        JdbcClient jdbc = JdbcClient.create(h2);
        for (String statement : migration().split(";")) {
            if (!statement.replaceAll("(?m)^--.*$", "").isBlank()) {
                jdbc.sql(statement).update();
            }
        }
        AuthenticationProvider passwords = new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                checked.incrementAndGet();
                try {
                    Thread.sleep(checkTakes); // bcrypt's time, when a test wants attempts to overlap
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (!RIGHT.equals(authentication.getCredentials())) {
                    throw new BadCredentialsException("Bad credentials");
                }
                return UsernamePasswordAuthenticationToken.authenticated(authentication.getName(), null, null);
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return true;
            }
        };
        clock.freeze();
        attempts = new SignInAttempts(passwords, jdbc, clock);
    }

    private static String migration() throws IOException {
        try (InputStream sql = SignInAttemptsTest.class.getResourceAsStream("/db/migration/V20__sign_in_failures.sql")) {
            return new String(sql.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void tooManyFailuresForOneEmailFromOneAddressRefuseItThereWithoutCheckingThePassword() {
        failTimes(SignInAttempts.PER_ACCOUNT, "a@example.org", "10.0.0.1");
        int before = checked.get();
        assertThatThrownBy(() -> signIn("A@Example.org ", RIGHT, "10.0.0.1"))
                .isInstanceOfSatisfying(SignInAttempts.TooManyFailures.class,
                        held -> assertThat(held.retryAfter()).isEqualTo(SignInAttempts.WINDOW));
        assertThat(checked.get()).as("no password checked").isEqualTo(before);

        assertThat(signIn("a@example.org", RIGHT, "10.0.0.2").isAuthenticated()).as("from elsewhere").isTrue();
        assertThat(signIn("b@example.org", RIGHT, "10.0.0.1").isAuthenticated()).as("another email").isTrue();

        clock.advance(SignInAttempts.WINDOW.minusSeconds(1));
        assertThatThrownBy(() -> signIn("a@example.org", RIGHT, "10.0.0.1"))
                .isInstanceOfSatisfying(SignInAttempts.TooManyFailures.class,
                        held -> assertThat(held.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
        clock.advance(Duration.ofSeconds(1));
        assertThat(signIn("a@example.org", RIGHT, "10.0.0.1").isAuthenticated()).isTrue();
    }

    /** Attempts sent at once count against each other: no more passwords are checked than the limit allows. */
    @Test
    void attemptsSentInParallelAreCheckedNoMoreThanTheLimit() throws Exception {
        checkTakes = 200;
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(30);
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(30);
            java.util.List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                sent.add(threads.submit(() -> {
                    start.await();
                    try {
                        signIn("a@example.org", "wrong", "10.0.0.1");
                    } catch (BadCredentialsException | SignInAttempts.TooManyFailures expected) {
                        // either
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(checked.get()).as("passwords checked of 30 sent at once").isLessThanOrEqualTo(
                SignInAttempts.PER_ACCOUNT);
        assertThatThrownBy(() -> signIn("a@example.org", RIGHT, "10.0.0.1"))
                .isInstanceOf(SignInAttempts.TooManyFailures.class);
    }

    @Test
    void oneFailureFewerIsNotHeldAndASuccessClearsTheCount() {
        failTimes(SignInAttempts.PER_ACCOUNT - 1, "a@example.org", "10.0.0.1");
        assertThat(signIn("a@example.org", RIGHT, "10.0.0.1").isAuthenticated()).isTrue();
        failTimes(SignInAttempts.PER_ACCOUNT - 1, "a@example.org", "10.0.0.1");
        assertThat(signIn("a@example.org", RIGHT, "10.0.0.1").isAuthenticated()).as("counted from the success")
                .isTrue();
    }

    @Test
    void failuresForManyEmailsFromOneAddressRefuseEveryEmailThere() {
        for (int i = 0; i < SignInAttempts.PER_ADDRESS; i++) {
            failTimes(1, "guess-" + i + "@example.org", "10.0.0.9");
        }
        assertThatThrownBy(() -> signIn("someone@example.org", RIGHT, "10.0.0.9"))
                .isInstanceOf(SignInAttempts.TooManyFailures.class);
        assertThat(signIn("someone@example.org", RIGHT, "10.0.0.8").isAuthenticated()).isTrue();
    }

    @Test
    void failuresForOneEmailSpreadOverManyAddressesRefuseItEverywhere() {
        for (int i = 0; i < SignInAttempts.PER_ACCOUNT_ANYWHERE; i++) {
            failTimes(1, "a@example.org", "10.1." + i / 250 + "." + i % 250);
        }
        assertThatThrownBy(() -> signIn("a@example.org", RIGHT, "10.9.9.9"))
                .isInstanceOf(SignInAttempts.TooManyFailures.class);
        assertThat(signIn("b@example.org", RIGHT, "10.9.9.9").isAuthenticated()).isTrue();
    }

    @Test
    void failuresOlderThanTheWindowAreForgotten() {
        failTimes(SignInAttempts.PER_ACCOUNT - 1, "a@example.org", "10.0.0.1");
        clock.advance(SignInAttempts.WINDOW);
        failTimes(SignInAttempts.PER_ACCOUNT - 1, "a@example.org", "10.0.0.1");
        assertThat(signIn("a@example.org", RIGHT, "10.0.0.1").isAuthenticated()).isTrue();
    }

    private void failTimes(int times, String email, String address) {
        for (int i = 0; i < times; i++) {
            assertThatThrownBy(() -> signIn(email, "wrong", address)).isInstanceOf(BadCredentialsException.class);
        }
    }

    private Authentication signIn(String email, String password, String address) {
        UsernamePasswordAuthenticationToken attempt = UsernamePasswordAuthenticationToken.unauthenticated(email,
                password);
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr(address);
        attempt.setDetails(new WebAuthenticationDetails(request));
        return attempts.authenticate(attempt);
    }
}
