package org.notesync.webhook;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.notesync.delivery.AttemptRecord;
import org.notesync.delivery.DeliveryStore;
import org.notesync.delivery.Endpoint;
import org.notesync.delivery.PendingDelivery;
import org.notesync.delivery.Signatures;
import org.notesync.identity.SecretBox;
import org.notesync.web.Databases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The delivery queue in the database. Claims are leases ({@code locked_by}, {@code locked_until}); every
 * write of an outcome is fenced on the lease owner, so an engine that lost its lease (it stalled past the
 * lease, another engine took over) changes nothing.
 */
public class JdbcDeliveryStore implements DeliveryStore {

    /** The one statement that differs between databases: claiming a batch. */
    interface ClaimQuery {
        List<PendingDelivery> claim(NamedParameterJdbcTemplate jdbc, MapSqlParameterSource params, String skip);
    }

    private static final String DUE = """
            SELECT id FROM webhook_deliveries
            WHERE status = 'pending' AND next_attempt_at <= :now
              AND (locked_until IS NULL OR locked_until < :now) %s
            ORDER BY next_attempt_at LIMIT :limit""";

    private static final String RETURNED = "d.id, d.webhook_id, d.attempts, d.replays, d.created_at, e.payload";

    /** PostgreSQL: one statement; SKIP LOCKED lets concurrent claimers pass each other's rows by. */
    static final ClaimQuery POSTGRES = (jdbc, params, skip) -> jdbc.query(
            "WITH due AS MATERIALIZED (" + DUE.formatted(skip) + " FOR UPDATE SKIP LOCKED) "
                    + "UPDATE webhook_deliveries d SET locked_by = :owner, locked_until = :until "
                    + "FROM due, webhook_events e WHERE d.id = due.id AND e.id = d.event_id RETURNING " + RETURNED,
            params, JdbcDeliveryStore::pending);

    /**
     * Any other database (H2): pick candidates, lease them with a conditional UPDATE that only succeeds on
     * rows still free, then read back the rows this owner won.
     */
    static final ClaimQuery GENERIC = (jdbc, params, skip) -> {
        List<UUID> candidates = jdbc.queryForList(DUE.formatted(skip), params, UUID.class);
        if (candidates.isEmpty()) {
            return List.of();
        }
        params.addValue("ids", candidates);
        int won = jdbc.update("""
                UPDATE webhook_deliveries SET locked_by = :owner, locked_until = :until
                WHERE id IN (:ids) AND status = 'pending' AND (locked_until IS NULL OR locked_until < :now)""",
                params);
        if (won == 0) {
            return List.of();
        }
        return jdbc.query("SELECT " + RETURNED + " FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id "
                + "WHERE d.id IN (:ids) AND d.locked_by = :owner "
                + "ORDER BY d.next_attempt_at", params, JdbcDeliveryStore::pending);
    };

    private final NamedParameterJdbcTemplate jdbc;
    private final JdbcTemplate plain;
    private final TransactionTemplate transactions;
    private final SecretBox secrets;
    private final ClaimQuery claimQuery;
    private final OutcomeWrites outcomeWrites;
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();

    public JdbcDeliveryStore(DataSource dataSource, SecretBox secrets) {
        this.plain = new JdbcTemplate(dataSource);
        this.jdbc = new NamedParameterJdbcTemplate(plain);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.secrets = secrets;
        boolean postgres = Databases.isPostgres(dataSource);
        this.claimQuery = postgres ? POSTGRES : GENERIC;
        this.outcomeWrites = postgres ? POSTGRES_OUTCOME : GENERIC_OUTCOME;
    }

    @Override
    public List<PendingDelivery> claim(String owner, Instant now, Instant leaseUntil, int limit,
            Set<UUID> skipWebhooks) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("owner", owner)
                .addValue("now", utc(now))
                .addValue("until", utc(leaseUntil))
                .addValue("limit", limit);
        String skip = "";
        if (!skipWebhooks.isEmpty()) {
            params.addValue("skip", skipWebhooks);
            skip = "AND webhook_id NOT IN (:skip)";
        }
        return claimQuery.claim(jdbc, params, skip);
    }

    @Override
    public Map<UUID, Endpoint> endpoints(Collection<UUID> webhookIds, Instant now) {
        Map<UUID, Endpoint> endpoints = new HashMap<>();
        jdbc.query("""
                SELECT id, url, active, secret, previous_secret, previous_secret_until, failing_since
                FROM webhooks WHERE id IN (:ids)""", Map.of("ids", webhookIds), rs -> {
            List<byte[]> signing = new ArrayList<>(2);
            signing.add(key(rs.getString("secret")));
            Instant previousUntil = instant(rs, "previous_secret_until");
            if (rs.getString("previous_secret") != null && previousUntil != null && previousUntil.isAfter(now)) {
                signing.add(key(rs.getString("previous_secret")));
            }
            UUID id = rs.getObject("id", UUID.class);
            endpoints.put(id, new Endpoint(id, rs.getString("url"), rs.getBoolean("active"), List.copyOf(signing),
                    instant(rs, "failing_since")));
        });
        return endpoints;
    }

    @Override
    public void release(String owner, Collection<UUID> deliveryIds) {
        jdbc.update("""
                UPDATE webhook_deliveries SET locked_by = NULL, locked_until = NULL
                WHERE id IN (:ids) AND locked_by = :owner AND status = 'pending'""",
                new MapSqlParameterSource("ids", deliveryIds).addValue("owner", owner));
    }

    @Override
    public void record(AttemptRecord r) {
        OffsetDateTime at = utc(r.attemptedAt());
        if (outcomeWrites.oneStatement() && r.transitions().size() == 1 && r.health() == null) {
            // The common outcome (one batch, one new state, the webhook's health unchanged) is one
            // statement, committed on its own: no transaction's round trips.
            outcomeWrites.write(this, r, r.transitions().get(0), at);
            return;
        }
        transactions.executeWithoutResult(tx -> {
            int changed = 0;
            for (AttemptRecord.Transition t : r.transitions()) {
                changed += outcomeWrites.write(this, r, t, at);
            }
            if (changed > 0 && r.health() != null) {
                health(r.webhookId(), r.health(), at);
            }
        });
    }

    /**
     * Writes one transition of an attempt's outcome: the deliveries' new state and one attempt-log row
     * each, only for the deliveries this owner still holds (fenced on the lease). Returns how many changed.
     */
    interface OutcomeWrites {
        int write(JdbcDeliveryStore store, AttemptRecord r, AttemptRecord.Transition t, OffsetDateTime at);

        /** Whether a write is one statement, atomic without a transaction. */
        boolean oneStatement();
    }

    /**
     * PostgreSQL: the deliveries' update and their log rows in one statement; the log rows are written for
     * the deliveries the update returns, so the lease fences both.
     */
    static final OutcomeWrites POSTGRES_OUTCOME = new OutcomeWrites() {
        @Override
        public int write(JdbcDeliveryStore store, AttemptRecord r, AttemptRecord.Transition t, OffsetDateTime at) {
            return store.plain.update("""
                    WITH moved AS (
                        UPDATE webhook_deliveries
                        SET status = ?, attempts = attempts + 1, next_attempt_at = ?,
                            locked_by = NULL, locked_until = NULL, last_status_code = ?, last_error = ?,
                            first_attempt_at = COALESCE(first_attempt_at, ?), last_attempt_at = ?,
                            completed_at = ?
                        WHERE id = ANY(?) AND locked_by = ?
                        RETURNING id)
                    INSERT INTO webhook_attempts (id, delivery_id, request_id, attempted_at, duration_ms, status_code,
                                                  error_kind, response_excerpt, batch_size, node_id)
                    SELECT gen_random_uuid(), moved.id, ?, ?, ?, ?, ?, ?, ?, ? FROM moved""",
                    ps -> {
                        int i = 0;
                        i = setState(ps, i, r, t, at);
                        ps.setObject(++i, t.deliveryIds().toArray(UUID[]::new));
                        ps.setString(++i, r.owner());
                        setLog(ps, i, r, at);
                    });
        }

        @Override
        public boolean oneStatement() {
            return true;
        }
    };

    /** Any other database (H2): the log rows (fenced on the lease), then the deliveries' update. */
    static final OutcomeWrites GENERIC_OUTCOME = new OutcomeWrites() {
        @Override
        public int write(JdbcDeliveryStore store, AttemptRecord r, AttemptRecord.Transition t, OffsetDateTime at) {
            store.plain.batchUpdate("""
                    INSERT INTO webhook_attempts (id, delivery_id, request_id, attempted_at, duration_ms, status_code,
                                                  error_kind, response_excerpt, batch_size, node_id)
                    SELECT RANDOM_UUID(), id, CAST(? AS varchar(64)), CAST(? AS timestamp with time zone),
                           CAST(? AS integer), CAST(? AS integer), CAST(? AS varchar(40)), CAST(? AS varchar(1024)),
                           CAST(? AS integer), CAST(? AS varchar(100))
                    FROM webhook_deliveries WHERE id = ? AND locked_by = ?""", t.deliveryIds(), t.deliveryIds().size(),
                    (ps, delivery) -> {
                        int i = setLog(ps, 0, r, at);
                        ps.setObject(++i, delivery);
                        ps.setString(++i, r.owner());
                    });
            MapSqlParameterSource params = new MapSqlParameterSource("ids", t.deliveryIds())
                    .addValue("owner", r.owner());
            return store.jdbc.update("""
                    UPDATE webhook_deliveries
                    SET status = :status, attempts = attempts + 1, next_attempt_at = :next,
                        locked_by = NULL, locked_until = NULL, last_status_code = :code, last_error = :error,
                        first_attempt_at = COALESCE(first_attempt_at, :at), last_attempt_at = :at,
                        completed_at = :completed
                    WHERE id IN (:ids) AND locked_by = :owner""", params
                    .addValue("status", state(t))
                    .addValue("next", t.nextAttemptAt() == null ? null : utc(t.nextAttemptAt()),
                            Types.TIMESTAMP_WITH_TIMEZONE)
                    .addValue("code", r.statusCode(), Types.INTEGER)
                    .addValue("error", errorKind(r), Types.VARCHAR)
                    .addValue("at", at)
                    .addValue("completed", completedAt(t, at), Types.TIMESTAMP_WITH_TIMEZONE));
        }

        @Override
        public boolean oneStatement() {
            return false;
        }
    };

    /** Sets the new state's seven parameters after {@code index}; returns the last index set. */
    private static int setState(PreparedStatement ps, int index, AttemptRecord r, AttemptRecord.Transition t,
            OffsetDateTime at) throws SQLException {
        int i = index;
        ps.setString(++i, state(t));
        ps.setObject(++i, t.nextAttemptAt() == null ? null : utc(t.nextAttemptAt()), Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setObject(++i, r.statusCode(), Types.INTEGER);
        ps.setObject(++i, errorKind(r), Types.VARCHAR);
        ps.setObject(++i, at, Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setObject(++i, at, Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setObject(++i, completedAt(t, at), Types.TIMESTAMP_WITH_TIMEZONE);
        return i;
    }

    /** Sets an attempt-log row's eight parameters after {@code index}; returns the last index set. */
    private static int setLog(PreparedStatement ps, int index, AttemptRecord r, OffsetDateTime at)
            throws SQLException {
        int i = index;
        ps.setString(++i, r.requestId());
        ps.setObject(++i, at, Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setInt(++i, (int) Math.min(r.durationMillis(), Integer.MAX_VALUE));
        ps.setObject(++i, r.statusCode(), Types.INTEGER);
        ps.setObject(++i, errorKind(r), Types.VARCHAR);
        ps.setObject(++i, r.excerpt(), Types.VARCHAR);
        ps.setInt(++i, r.deliveryIds().size());
        ps.setString(++i, r.owner());
        return i;
    }

    private static String state(AttemptRecord.Transition t) {
        return t.state().name().toLowerCase(Locale.ROOT);
    }

    private static String errorKind(AttemptRecord r) {
        return r.errorKind() == null ? null : r.errorKind().wireName();
    }

    private static OffsetDateTime completedAt(AttemptRecord.Transition t, OffsetDateTime at) {
        return t.state() == AttemptRecord.State.PENDING ? null : at;
    }

    private void health(UUID webhook, AttemptRecord.Health health, OffsetDateTime at) {
        if (health instanceof AttemptRecord.Health.Recovered) {
            plain.update("UPDATE webhooks SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL",
                    webhook);
        } else if (health instanceof AttemptRecord.Health.Failing) {
            plain.update("UPDATE webhooks SET failing_since = ? WHERE id = ? AND failing_since IS NULL", at, webhook);
        } else if (health instanceof AttemptRecord.Health.Disable disable) {
            plain.update("""
                    UPDATE webhooks SET active = FALSE, disabled_reason = ?, updated_at = ?
                    WHERE id = ? AND active = TRUE""", disable.reason(), at, webhook);
        }
    }

    /** Failed deliveries waiting for a replay, all organizations (the failure-queue gauge). */
    public long failureQueueDepth() {
        Long count = plain.queryForObject("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'failed'",
                Long.class);
        return count == null ? 0 : count;
    }

    private byte[] key(String encrypted) {
        if (keys.size() > 10_000) {
            keys.clear();
        }
        return keys.computeIfAbsent(encrypted, e -> Signatures.key(secrets.decrypt(e)));
    }

    private static PendingDelivery pending(ResultSet rs, int row) throws SQLException {
        return new PendingDelivery(rs.getObject("id", UUID.class), rs.getObject("webhook_id", UUID.class),
                rs.getInt("attempts"), rs.getInt("replays"), instant(rs, "created_at"), rs.getString("payload"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

}
