package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.notesync.support.SettableClock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jwt.Jwt;

/** The revoked tokens' list, read again every 30 s by one request while the others go on with the last one. */
class RevokedTokensTest {

    private final SettableClock clock = new SettableClock().freeze();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile CountDownLatch stalled;
    private final CountDownLatch answer = new CountDownLatch(1);

    @Test
    void aDatabaseThatDoesNotAnswerHoldsUpOneTokenCheckNotAllOfThemAndIsTriedAgainFromWhenItFailed() throws Exception {
        RevokedTokens revoked = new RevokedTokens(JdbcClient.create(database()), clock);
        Jwt listed = token("a.listed.token");
        revoked.list(TokenHashes.of(listed.getTokenValue()), Instant.now().plus(Duration.ofHours(1)));
        assertThat(revoked.validate(listed).hasErrors()).as("refused at once by the node that revoked it").isTrue();
        assertThat(revoked.validate(token("an.other.token")).hasErrors()).isFalse();

        clock.advance(RevokedTokens.RECHECK);
        stalled = new CountDownLatch(1);
        CompletableFuture<Boolean> reading = CompletableFuture.supplyAsync(() -> revoked.validate(listed).hasErrors());
        assertThat(stalled.await(10, TimeUnit.SECONDS)).as("one check reads the list again").isTrue();
        int tried = connections.get();
        assertThat(CompletableFuture.supplyAsync(() -> revoked.validate(listed).hasErrors()).get(10, TimeUnit.SECONDS))
                .as("a check meanwhile goes on with the list it has").isTrue();
        assertThat(reading).isNotDone();

        clock.advance(RevokedTokens.STUCK.plusSeconds(1)); // a read this long is stuck where no timeout reaches
        CountDownLatch second = new CountDownLatch(1);
        stalled = second;
        CompletableFuture<Boolean> again = CompletableFuture.supplyAsync(() -> revoked.validate(listed).hasErrors());
        assertThat(second.await(10, TimeUnit.SECONDS)).as("another check reads the list, not kept out by it").isTrue();
        answer.countDown();
        assertThat(again.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(reading.get(10, TimeUnit.SECONDS)).as("the list kept when the read failed").isTrue();
        tried = connections.get();
        revoked.validate(listed);
        assertThat(connections.get()).as("not read again at once: tried again 5 s after the failure").isEqualTo(tried);
        clock.advance(Duration.ofSeconds(5));
        stalled = null;
        assertThat(revoked.validate(listed).hasErrors()).isTrue();
        assertThat(connections.get()).isGreaterThan(tried);
    }

    private static Jwt token(String value) {
        return Jwt.withTokenValue(value).header("alg", "RS256").claim("sub", "x").build();
    }

    /** An in-memory H2 database with the table, whose connections stall and fail while {@link #stalled} is set. */
    private DataSource database() throws SQLException {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:revoked-" + System.nanoTime()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1"); // as the embedded default runs
        try (var c = h2.getConnection(); var s = c.createStatement()) {
            s.execute("CREATE TABLE revoked_access_tokens (token_hash varchar(64) PRIMARY KEY,"
                    + " expires_at timestamp with time zone NOT NULL)");
        }
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        connections.incrementAndGet();
                        CountDownLatch stall = stalled;
                        if (stall != null) {
                            stall.countDown();
                            answer.await(10, TimeUnit.SECONDS);
                            throw new SQLException("Connection is not available, request timed out", "08001");
                        }
                    }
                    try {
                        return method.invoke(h2, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
