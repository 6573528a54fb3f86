package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.notesync.support.PostgresCondition;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Two nodes (two {@link SingleUseGrants}, each with its own locks in memory) on one PostgreSQL redeem a credential
 * of one grant once: the advisory lock, not the JVM's, keeps the second from reading the grant before the first
 * has committed. The provider reads, waits, then writes, as Spring's do, with its state where both nodes see it.
 */
@ExtendWith(PostgresCondition.class)
class SingleUseGrantsPostgresIT {

    private static final RegisteredClient CLIENT = RegisteredClient.withId("client-1").clientId("client-1")
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE).redirectUri("http://127.0.0.1:9/cb")
            .build();

    @Test
    void twoNodesRedeemOneCodeOnceBetweenThem() throws Exception {
        DriverManagerDataSource postgres = new DriverManagerDataSource(System.getenv(PostgresCondition.VARIABLE),
                user(), "");
        JdbcClient jdbc = JdbcClient.create(postgres);
        OAuth2AuthorizationService authorizations = new OneGrant();
        AtomicInteger redeemed = new AtomicInteger();
        AtomicInteger issued = new AtomicInteger();
        AuthenticationProvider spring = new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                int seen = redeemed.get();
                try {
                    Thread.sleep(300); // between the read and the write
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (seen > 0) {
                    throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_GRANT);
                }
                redeemed.set(seen + 1);
                issued.incrementAndGet();
                return authentication;
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return true;
            }
        };
        List<AuthenticationProvider> nodes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            nodes.add(new SingleUseGrants(postgres, jdbc, new DataSourceTransactionManager(postgres), authorizations,
                    new RevokedTokens(jdbc, Clock.systemUTC()), Clock.systemUTC()).around(spring));
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            CyclicBarrier start = new CyclicBarrier(4);
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                AuthenticationProvider node = nodes.get(i % 2);
                answers.add(threads.submit(() -> {
                    start.await();
                    try {
                        node.authenticate(new OAuth2AuthorizationCodeAuthenticationToken("the-code",
                                new OAuth2ClientAuthenticationToken(CLIENT, ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
                                        "secret"), "http://127.0.0.1:9/cb", null));
                        return true;
                    } catch (OAuth2AuthenticationException refused) {
                        assertThat(refused.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.INVALID_GRANT);
                        return false;
                    }
                }));
            }
            int granted = 0;
            for (Future<Boolean> answer : answers) {
                granted += answer.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(granted).as("requests that got tokens, across the two nodes").isEqualTo(1);
            assertThat(issued.get()).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * A grant locked longer than the wait (a request on another node stuck, its connection cut without a reset)
     * is a 503 temporarily_unavailable, not a request held without end; the next request after the lock goes is
     * served.
     */
    @Test
    void aGrantLockedLongerThanTheWaitIsTemporarilyUnavailable() throws Exception {
        DriverManagerDataSource postgres = new DriverManagerDataSource(System.getenv(PostgresCondition.VARIABLE),
                user(), "");
        JdbcClient jdbc = JdbcClient.create(postgres);
        AuthenticationProvider node = new SingleUseGrants(postgres, jdbc, new DataSourceTransactionManager(postgres),
                new OneGrant(), new RevokedTokens(jdbc, Clock.systemUTC()), Clock.systemUTC())
                .waitingAtMost(java.time.Duration.ofMillis(500))
                .around(new AuthenticationProvider() {
                    @Override
                    public Authentication authenticate(Authentication authentication) {
                        return authentication;
                    }

                    @Override
                    public boolean supports(Class<?> authentication) {
                        return true;
                    }
                });
        Authentication code = new OAuth2AuthorizationCodeAuthenticationToken("the-code",
                new OAuth2ClientAuthenticationToken(CLIENT, ClientAuthenticationMethod.CLIENT_SECRET_BASIC, "secret"),
                "http://127.0.0.1:9/cb", null);
        try (java.sql.Connection other = postgres.getConnection();
                java.sql.PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
            lock.setInt(1, SingleUseGrants.SPACE);
            lock.setInt(2, SingleUseGrants.key("grant:grant-1"));
            lock.executeQuery().close();
            long began = System.nanoTime();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> node.authenticate(code))
                    .isInstanceOfSatisfying(OAuth2AuthenticationException.class, refused -> assertThat(
                            refused.getError().getErrorCode()).isEqualTo(SingleUseGrants.UNAVAILABLE));
            assertThat(System.nanoTime() - began).as("waited about the wait, not without end")
                    .isLessThan(TimeUnit.SECONDS.toNanos(10));
        }
        assertThat(node.authenticate(code)).as("once the other holder has gone").isSameAs(code);
    }

    private static String user() {
        String user = System.getenv("NOTESYNC_TEST_POSTGRES_USER");
        return user == null || user.isBlank() ? "postgres" : user;
    }

    /** Every credential belongs to one grant, with no tokens of its own to look at. */
    private static final class OneGrant implements OAuth2AuthorizationService {
        private final OAuth2Authorization grant = OAuth2Authorization.withRegisteredClient(CLIENT).id("grant-1")
                .principalName("clinician").authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE).build();

        @Override
        public void save(OAuth2Authorization authorization) {
        }

        @Override
        public void remove(OAuth2Authorization authorization) {
        }

        @Override
        public OAuth2Authorization findById(String id) {
            return grant;
        }

        @Override
        public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
            return grant;
        }
    }
}
