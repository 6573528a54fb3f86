package org.notesync.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.notesync.logging.LoggedErrors;
import org.notesync.web.Databases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Removes the authorizations ({@code oauth2_authorization}) whose every token and code expired more than an hour
 * ago. Spring's authorization server writes one per token request and never removes one: a client asking for a
 * token per call grew the table by a row each time, for ever. An authorization waiting for the clinician's consent
 * has no token and no expiry: it is removed a day after it was written ({@code created_at}, V24).
 */
@Component
class ExpiredGrants implements SchedulingConfigurer {

    /** Rows removed per statement, so that no statement holds many locks. */
    static final int CHUNK = 1_000;
    /** How long past its last expiry an authorization is kept (a late introspection still finds it expired). */
    static final Duration GRACE = Duration.ofHours(1);
    private static final Duration EVERY = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(ExpiredGrants.class);

    /** Tokens issued (client credentials, a code's exchange, a refresh): found by the access token's expiry. */
    private static final String WITH_TOKENS = """
            access_token_expires_at < :before
            AND (refresh_token_expires_at IS NULL OR refresh_token_expires_at < :before)""";
    /** Requests never answered: waiting for a consent (no code, no token, no expiry) since a day or more. */
    private static final String ABANDONED = """
            access_token_value IS NULL AND authorization_code_value IS NULL AND device_code_value IS NULL
            AND user_code_value IS NULL AND created_at < :abandoned""";
    /** How long an authorization request waits for the clinician's consent at most. */
    static final Duration ABANDONED_AFTER = Duration.ofDays(1);

    /** Codes never exchanged: an authorization code or a device code that expired first. */
    private static final String CODES_ONLY = """
            access_token_value IS NULL
            AND (authorization_code_expires_at IS NOT NULL OR device_code_expires_at IS NOT NULL)
            AND (authorization_code_expires_at IS NULL OR authorization_code_expires_at < :before)
            AND (device_code_expires_at IS NULL OR device_code_expires_at < :before)
            AND (user_code_expires_at IS NULL OR user_code_expires_at < :before)""";

    private final JdbcClient jdbc;
    private final Clock clock;
    /** On PostgreSQL two nodes pass each other's chunks by. */
    private final String lockRows;
    private final Counter removed;

    ExpiredGrants(JdbcClient jdbc, DataSource dataSource, Clock clock, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.lockRows = Databases.isPostgres(dataSource) ? " FOR UPDATE SKIP LOCKED" : "";
        this.removed = Counter.builder("notesync.oauth.authorizations.expired")
                .description("OAuth 2 authorizations removed after every token and code of theirs expired")
                .register(meters);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::expireScheduled, EVERY, Duration.ofMinutes(5)));
    }

    private void expireScheduled() {
        try {
            expire(clock.instant());
        } catch (RuntimeException e) {
            log.warn("Removing expired OAuth 2 authorizations failed; the next run continues: {}",
                    LoggedErrors.summary(e));
        }
    }

    /** Removes the authorizations whose last expiry is more than {@link #GRACE} before {@code now}; how many. */
    int expire(Instant now) {
        Instant before = now.minus(GRACE);
        int total = 0;
        for (String which : new String[] {WITH_TOKENS, CODES_ONLY, ABANDONED}) {
            for (int chunk = CHUNK; chunk == CHUNK; ) {
                chunk = jdbc.sql("DELETE FROM oauth2_authorization WHERE id IN (SELECT id FROM oauth2_authorization "
                                + "WHERE " + which + " FETCH FIRST " + CHUNK + " ROWS ONLY" + lockRows + ")")
                        .param("before", before.atOffset(ZoneOffset.UTC))
                        .param("abandoned", now.minus(ABANDONED_AFTER).atOffset(ZoneOffset.UTC)).update();
                total += chunk;
            }
        }
        removed.increment(total);
        return total;
    }
}
