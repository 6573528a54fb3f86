package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.notesync.support.PostgresCondition;
import org.notesync.support.SettableClock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.security.oauth2.jwt.Jwt;

/** The revoked tokens' read on PostgreSQL, where a read can wait on a lock or a connection cut without a reset. */
@ExtendWith(PostgresCondition.class)
class RevokedTokensPostgresIT {

    /**
     * A read that does not answer gives up after its timeout: the token check goes on with the list it had, and
     * the next read, once the database answers, is not kept from starting by one that never ended.
     */
    @Test
    void aReadThatDoesNotAnswerGivesUpAfterItsTimeout() throws Exception {
        String url = System.getenv(PostgresCondition.VARIABLE);
        String user = System.getenv().getOrDefault("NOTESYNC_TEST_POSTGRES_USER", "postgres");
        String schema = "rt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        DriverManagerDataSource postgres = new DriverManagerDataSource(url + (url.contains("?") ? "&" : "?")
                + "currentSchema=" + schema, user, "");
        try (Connection c = postgres.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            s.execute("CREATE TABLE " + schema + ".revoked_access_tokens (token_hash varchar(64) PRIMARY KEY, "
                    + "expires_at timestamp with time zone NOT NULL)");
        }
        SettableClock clock = new SettableClock();
        clock.freeze();
        RevokedTokens revoked = new RevokedTokens(JdbcClient.create(postgres), clock).readingAtMost(1);
        Jwt token = Jwt.withTokenValue("a-token").header("alg", "RS256").claim("sub", "x").build();
        try {
            assertThat(revoked.validate(token).hasErrors()).isFalse();
            try (Connection holder = postgres.getConnection(); Statement s = holder.createStatement()) {
                holder.setAutoCommit(false);
                s.execute("LOCK TABLE revoked_access_tokens IN ACCESS EXCLUSIVE MODE");
                clock.advance(RevokedTokens.RECHECK.plusSeconds(1));
                long began = System.nanoTime();
                Boolean refused = CompletableFuture.supplyAsync(() -> revoked.validate(token).hasErrors())
                        .get(8, TimeUnit.SECONDS);
                assertThat(refused).isFalse();
                assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(8));
                holder.rollback();
            }
            // Revoked on another node meanwhile: this one learns it at its next read.
            JdbcClient.create(postgres).sql("INSERT INTO revoked_access_tokens VALUES (?, ?)")
                    .params(TokenHashes.of("a-token"), clock.instant().plus(Duration.ofHours(1))
                            .atOffset(java.time.ZoneOffset.UTC)).update();
            clock.advance(Duration.ofSeconds(6));
            assertThat(revoked.validate(token).hasErrors()).as("read again once the database answers").isTrue();
        } finally {
            try (Connection c = postgres.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
