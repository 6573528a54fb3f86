package org.notesync.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.notesync.delivery.AttemptRecord;
import org.notesync.delivery.DeliveryStore;
import org.notesync.delivery.DeliveryStore.Claim;
import org.notesync.delivery.Endpoint;
import org.notesync.delivery.PendingDelivery;
import org.notesync.delivery.Signatures;
import org.notesync.identity.SecretBox;
import org.notesync.web.Databases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
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
        void claim(NamedParameterJdbcTemplate jdbc, MapSqlParameterSource params, String skip, RowCallbackHandler rows);
    }

    /** Due deliveries not leased, oldest first; those of a deleted webhook are left to the purge. */
    private static final String DUE = "SELECT id FROM webhook_deliveries "
            + "WHERE status = 'pending' AND next_attempt_at <= :now "
            + "AND (locked_until IS NULL OR locked_until < :now) %s AND webhook_id" + Webhooks.LIVE
            + " ORDER BY next_attempt_at LIMIT :limit";

    /** Each claimed delivery with its event and its webhook: the engine needs nothing else to send it. */
    private static final String RETURNED = "d.id, d.webhook_id, d.attempts, d.replays, d.created_at, e.payload, "
            + "w.url, w.active, w.secret, w.previous_secret, w.previous_secret_until, w.failing_since";

    /** PostgreSQL: one statement; SKIP LOCKED lets concurrent claimers pass each other's rows by. */
    static final ClaimQuery POSTGRES = (jdbc, params, skip, rows) -> jdbc.query(
            "WITH due AS MATERIALIZED (" + DUE.formatted(skip) + " FOR UPDATE SKIP LOCKED) "
                    + "UPDATE webhook_deliveries d SET locked_by = :owner, locked_until = :until "
                    + "FROM due, webhook_events e, webhooks w "
                    + "WHERE d.id = due.id AND e.id = d.event_id AND w.id = d.webhook_id RETURNING " + RETURNED,
            params, rows);

    /**
     * Any other database (H2): pick candidates, lease them with a conditional UPDATE that only succeeds on
     * rows still free, then read back the rows this owner won.
     */
    static final ClaimQuery GENERIC = (jdbc, params, skip, rows) -> {
        List<UUID> candidates = jdbc.queryForList(DUE.formatted(skip), params, UUID.class);
        if (candidates.isEmpty()) {
            return;
        }
        params.addValue("ids", candidates);
        int won = jdbc.update("""
                UPDATE webhook_deliveries SET locked_by = :owner, locked_until = :until
                WHERE id IN (:ids) AND status = 'pending' AND (locked_until IS NULL OR locked_until < :now)""",
                params);
        if (won == 0) {
            return;
        }
        jdbc.query("SELECT " + RETURNED + " FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id "
                + "JOIN webhooks w ON w.id = d.webhook_id WHERE d.id IN (:ids) AND d.locked_by = :owner "
                + "ORDER BY d.next_attempt_at", params, rows);
    };

    private final NamedParameterJdbcTemplate jdbc;
    private final JdbcTemplate plain;
    private final TransactionTemplate transactions;
    private final SecretBox secrets;
    private final ClaimQuery claimQuery;
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();

    public JdbcDeliveryStore(DataSource dataSource, SecretBox secrets) {
        this.plain = new JdbcTemplate(dataSource);
        this.jdbc = new NamedParameterJdbcTemplate(plain);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.secrets = secrets;
        this.claimQuery = Databases.isPostgres(dataSource) ? POSTGRES : GENERIC;
    }

    @Override
    public Claim claim(String owner, Instant now, Instant leaseUntil, int limit, Set<UUID> skipWebhooks) {
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
        List<PendingDelivery> deliveries = new ArrayList<>();
        Map<UUID, Endpoint> endpoints = new HashMap<>();
        claimQuery.claim(jdbc, params, skip, rs -> {
            PendingDelivery delivery = pending(rs);
            deliveries.add(delivery);
            if (!endpoints.containsKey(delivery.webhookId())) {
                endpoints.put(delivery.webhookId(), endpoint(rs, delivery.webhookId(), now));
            }
        });
        return deliveries.isEmpty() ? Claim.NONE : new Claim(deliveries, endpoints);
    }

    private Endpoint endpoint(ResultSet rs, UUID id, Instant now) throws SQLException {
        List<byte[]> signing = new ArrayList<>(2);
        signing.add(key(rs.getString("secret")));
        Instant previousUntil = instant(rs, "previous_secret_until");
        if (rs.getString("previous_secret") != null && previousUntil != null && previousUntil.isAfter(now)) {
            signing.add(key(rs.getString("previous_secret")));
        }
        return new Endpoint(id, rs.getString("url"), rs.getBoolean("active"), List.copyOf(signing),
                instant(rs, "failing_since"));
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
        transactions.executeWithoutResult(tx -> {
            OffsetDateTime at = utc(r.attemptedAt());
            List<Object[]> log = new ArrayList<>(r.deliveryIds().size());
            for (UUID delivery : r.deliveryIds()) {
                log.add(new Object[] {UUID.randomUUID(), r.requestId(), at, (int) Math.min(r.durationMillis(),
                        Integer.MAX_VALUE), r.statusCode(), r.errorKind() == null ? null : r.errorKind().wireName(),
                        r.excerpt(), r.deliveryIds().size(), r.owner(), delivery, r.owner()});
            }
            // Fenced: only deliveries this owner still holds get a log row.
            plain.batchUpdate("""
                    INSERT INTO webhook_attempts (id, delivery_id, request_id, attempted_at, duration_ms, status_code,
                                                  error_kind, response_excerpt, batch_size, node_id)
                    SELECT CAST(? AS uuid), id, CAST(? AS varchar(64)), CAST(? AS timestamp with time zone),
                           CAST(? AS integer), CAST(? AS integer), CAST(? AS varchar(40)), CAST(? AS varchar(1024)),
                           CAST(? AS integer), CAST(? AS varchar(100))
                    FROM webhook_deliveries WHERE id = ? AND locked_by = ?""", log);
            int changed = 0;
            for (AttemptRecord.Transition t : r.transitions()) {
                changed += jdbc.update("""
                        UPDATE webhook_deliveries
                        SET status = :status, attempts = attempts + 1, next_attempt_at = :next,
                            locked_by = NULL, locked_until = NULL, last_status_code = :code, last_error = :error,
                            first_attempt_at = COALESCE(first_attempt_at, :at), last_attempt_at = :at,
                            completed_at = :completed
                        WHERE id IN (:ids) AND locked_by = :owner""", new MapSqlParameterSource()
                        .addValue("status", t.state().name().toLowerCase(java.util.Locale.ROOT))
                        .addValue("next", t.nextAttemptAt() == null ? null : utc(t.nextAttemptAt()),
                                java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
                        .addValue("code", r.statusCode(), java.sql.Types.INTEGER)
                        .addValue("error", r.errorKind() == null ? null : r.errorKind().wireName(),
                                java.sql.Types.VARCHAR)
                        .addValue("at", at)
                        .addValue("completed", t.state() == AttemptRecord.State.PENDING ? null : at,
                                java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
                        .addValue("ids", t.deliveryIds())
                        .addValue("owner", r.owner()));
            }
            if (changed > 0 && r.health() != null) {
                health(r.webhookId(), r.health(), at);
            }
        });
    }

    private void health(UUID webhook, AttemptRecord.Health health, OffsetDateTime at) {
        if (health instanceof AttemptRecord.Health.Recovered) {
            plain.update("UPDATE webhooks SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL",
                    webhook);
        } else if (health instanceof AttemptRecord.Health.Failing) {
            plain.update("UPDATE webhooks SET failing_since = ? WHERE id = ? AND failing_since IS NULL", at, webhook);
        } else if (health instanceof AttemptRecord.Health.Disable disable && disable.failingSince() == null) {
            plain.update("""
                    UPDATE webhooks SET active = FALSE, disabled_reason = ?, updated_at = ?
                    WHERE id = ? AND active = TRUE""", disable.reason(), at, webhook);
        } else if (health instanceof AttemptRecord.Health.Disable disable) {
            // Only while the streak it was judged on runs: a success on another node, or a re-activation, may
            // have ended it since the claim read it, and then this failure only starts a new one.
            int disabled = plain.update("""
                    UPDATE webhooks SET active = FALSE, disabled_reason = ?, updated_at = ?
                    WHERE id = ? AND active = TRUE AND failing_since = ?""", disable.reason(), at, webhook,
                    utc(disable.failingSince()));
            if (disabled == 0) {
                health(webhook, new AttemptRecord.Health.Failing(), at);
            }
        }
    }

    /** Failed deliveries waiting for a replay, of every organization's live webhooks (the failure-queue gauge). */
    public long failureQueueDepth() {
        Long count = plain.queryForObject("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'failed' "
                + "AND webhook_id" + Webhooks.LIVE, Long.class);
        return count == null ? 0 : count;
    }

    private byte[] key(String encrypted) {
        if (keys.size() > 10_000) {
            keys.clear();
        }
        return keys.computeIfAbsent(encrypted, e -> Signatures.key(secrets.decrypt(e)));
    }

    private static PendingDelivery pending(ResultSet rs) throws SQLException {
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
