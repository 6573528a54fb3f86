package org.notesync.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import org.notesync.identity.Scopes;
import org.notesync.identity.Viewer;
import org.notesync.web.ApiException;
import org.notesync.web.CollectionQuery;
import org.notesync.web.Dates;
import org.notesync.web.Page;
import org.notesync.web.SqlWhere;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import static org.notesync.webhook.JdbcDeliveryStore.instant;
import static org.notesync.webhook.JdbcDeliveryStore.utc;

/**
 * The delivery log as the API shows it, and replays. Never shows an event's payload (note content), nor
 * the log of a deleted webhook (which waits for the purge).
 */
@Repository
class WebhookDeliveries {

    static final List<String> STATUSES = List.of("pending", "succeeded", "failed");

    /**
     * A delivery of one event to one webhook.
     *
     * @param eventId      the event's {@code id}, the same on every retry and replay
     * @param attemptCount attempts since it was created or last replayed
     * @param attempts     the log, oldest first (only on a single delivery)
     */
    @Schema(name = "WebhookDelivery")
    record Delivery(UUID uuid, UUID webhook, UUID eventId, String action, String status, int attemptCount,
            int replays, @Nullable Integer lastStatusCode, @Nullable String lastError, @Nullable String nextAttemptAt,
            String createdAt, @Nullable String firstAttemptAt, @Nullable String lastAttemptAt,
            @Nullable String completedAt, @JsonInclude(JsonInclude.Include.NON_NULL) List<Attempt> attempts) {

        Delivery withAttempts(List<Attempt> log) {
            return new Delivery(uuid, webhook, eventId, action, status, attemptCount, replays, lastStatusCode,
                    lastError, nextAttemptAt, createdAt, firstAttemptAt, lastAttemptAt, completedAt, log);
        }
    }

    /**
     * One HTTP request that carried the delivery.
     *
     * @param requestId the {@code webhook-id} header it was sent with
     * @param batchSize how many events that request carried
     */
    @Schema(name = "WebhookAttempt")
    record Attempt(UUID uuid, String requestId, String attemptedAt, int durationMs, @Nullable Integer statusCode,
            @Nullable String errorKind, @Nullable String responseExcerpt, int batchSize) {

        /**
         * What a token without {@code read:notes} sees: whatever a receiver answered may hold health data
         * the log could not recognise (its own records, the request re-encoded), so only tokens that may
         * read notes see it.
         */
        Attempt withoutExcerpt(String why) {
            return new Attempt(uuid, requestId, attemptedAt, durationMs, statusCode, errorKind,
                    responseExcerpt == null ? null : why, batchSize);
        }
    }

    static final String WITHHELD_FROM_SCOPE = "[withheld: shown to tokens with read:notes]";
    static final String WITHHELD_NOW_PRIVATE = "[withheld: shown to those who may read its note]";

    /** A delivery with its event, and its webhook, whose owner decides who may see it. */
    private static final String FROM = """
            FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
            JOIN webhooks w ON w.id = d.webhook_id""";
    private static final String SELECT = "SELECT d.*, e.event_id AS payload_event_id, e.action " + FROM;

    private final JdbcClient jdbc;
    private final Clock clock;

    WebhookDeliveries(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Filters: status, webhook, eventId, createdAt/completedAt/lastAttemptAt dates; newest first by default. */
    Page<Delivery> list(Viewer viewer, UUID webhookId, CollectionQuery query) {
        SqlWhere where = Webhooks.visibleTo(viewer, "w.owner_user_id", new SqlWhere()
                .and("d.organization_id = :org", "org", viewer.organizationId()).and("w.deleted_at IS NULL"));
        if (webhookId != null) {
            where.and("d.webhook_id = :webhook", "webhook", webhookId);
        } else {
            where.in("d.webhook_id", "webhooks", query.uuids("webhook"));
        }
        List<String> statuses = query.strings("status");
        for (String status : statuses) {
            if (!STATUSES.contains(status)) {
                throw ApiException.badParameter("status", "must be one of " + String.join(", ", STATUSES) + ".");
            }
        }
        where.in("d.status", "statuses", statuses);
        where.in("e.event_id", "events", query.uuids("eventId"));
        where.dates("d.created_at", query.dates("createdAt"));
        where.dates("d.completed_at", query.dates("completedAt"));
        where.dates("d.last_attempt_at", query.dates("lastAttemptAt"));
        Map<String, Boolean> order = query.order(Set.of("createdAt", "lastAttemptAt"));
        StringBuilder orderBy = new StringBuilder();
        order.forEach((field, asc) -> orderBy.append(field.equals("createdAt") ? "d.created_at" : "d.last_attempt_at")
                .append(asc ? " ASC, " : " DESC, "));
        orderBy.append(order.isEmpty() ? "d.created_at DESC, d.id DESC" : "d.id ASC");
        int page = query.page();
        int size = query.itemsPerPage();
        long total = jdbc.sql("SELECT COUNT(*) " + FROM + " WHERE " + where.sql()).params(where.parameters())
                .query(Long.class).single();
        List<Delivery> items = size == 0 ? List.of() : jdbc.sql(SELECT + " WHERE " + where.sql() + " ORDER BY "
                        + orderBy + " LIMIT :limit OFFSET :offset")
                .params(where.parameters()).param("limit", size).param("offset", (long) (page - 1) * size)
                .query(WebhookDeliveries::delivery).list();
        return new Page<>(items, total, page, size);
    }

    /** A delivery of a webhook the caller may see ({@link Webhooks#find}), with its attempts. */
    Optional<Delivery> find(Viewer viewer, UUID id) {
        SqlWhere where = Webhooks.visibleTo(viewer, "w.owner_user_id", new SqlWhere().and("d.id = :id", "id", id)
                .and("d.organization_id = :org", "org", viewer.organizationId()).and("w.deleted_at IS NULL"));
        return jdbc.sql(SELECT + " WHERE " + where.sql()).params(where.parameters())
                .query(WebhookDeliveries::delivery).optional()
                .map(d -> {
                    String withheld = !viewer.hasScope(Scopes.READ_NOTES) ? WITHHELD_FROM_SCOPE
                            : !readsItsNote(viewer, id) ? WITHHELD_NOW_PRIVATE : null;
                    return d.withAttempts(jdbc.sql("""
                                    SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempted_at, id""")
                            .param(id).query(WebhookDeliveries::attempt).list().stream()
                            .map(a -> withheld != null ? a.withoutExcerpt(withheld)
                                    : a.responseExcerpt() != null && a.batchSize() > 1
                                            && !readsEveryNoteOf(viewer, a.requestId(), a.batchSize())
                                            ? a.withoutExcerpt(WITHHELD_NOW_PRIVATE) : a)
                            .toList());
                });
    }

    /**
     * Whether the viewer may read the delivery's note now (a ping has none): a receiver's answer may repeat the
     * note, and a patient made private since takes its notes from those who could read them then.
     */
    private boolean readsItsNote(Viewer viewer, UUID delivery) {
        return jdbc.sql("""
                        SELECT e.note_id, p.id, p.visibility_option, p.user_id FROM webhook_deliveries d
                        JOIN webhook_events e ON e.id = d.event_id LEFT JOIN notes n ON n.id = e.note_id
                        LEFT JOIN patients p ON p.id = n.patient_id WHERE d.id = ?""").param(delivery)
                .query(readableBy(viewer))
                .optional().orElse(false);
    }

    /**
     * Whether the viewer may read now every note a batched POST carried (its answer was logged on each of their
     * deliveries, and may repeat any of them). Each of the POST's {@code batchSize} deliveries must still have its
     * attempt (counted by delivery: a retry of the batch sends the same request id again): one not logged (a node that no longer held it) or gone (retention takes deliveries one by one) is a
     * note that cannot be checked, and the answer is withheld.
     */
    private boolean readsEveryNoteOf(Viewer viewer, String requestId, int batchSize) {
        List<Boolean> readable = jdbc.sql("""
                        SELECT DISTINCT e.note_id, p.id, p.visibility_option, p.user_id, d.id FROM webhook_attempts a
                        JOIN webhook_deliveries d ON d.id = a.delivery_id JOIN webhook_events e ON e.id = d.event_id
                        LEFT JOIN notes n ON n.id = e.note_id LEFT JOIN patients p ON p.id = n.patient_id
                        WHERE a.request_id = ? AND d.organization_id = ?""")
                .params(requestId, viewer.organizationId())
                .query(readableBy(viewer))
                .list();
        return readable.size() >= batchSize && readable.stream().allMatch(Boolean::booleanValue);
    }

    /**
     * Reads (note id, patient id, visibility, owner): whether the viewer may read the event's note now. A ping
     * has no note; a patient without a visibility option is shared, as everywhere else.
     */
    private static RowMapper<Boolean> readableBy(Viewer viewer) {
        return (rs, row) -> rs.getObject(1) == null
                || rs.getObject(2) != null && viewer.sees(rs.getString(3), rs.getObject(4, UUID.class));
    }

    /**
     * A delivery whose note the webhook may no longer be sent: its patient is private now, and the webhook
     * not its clinician's. The outbox judged the note when it was written; a replay is judged again, so that
     * making a patient private keeps its notes from organization-wide receivers from then on.
     */
    static final String NOW_PRIVATE = """
            EXISTS (SELECT 1 FROM webhook_events e JOIN notes n ON n.id = e.note_id
                    JOIN patients p ON p.id = n.patient_id JOIN webhooks w ON w.id = webhook_deliveries.webhook_id
                    WHERE e.id = webhook_deliveries.event_id AND p.visibility_option = 'private'
                      AND (w.owner_user_id IS NULL OR p.user_id IS NULL OR p.user_id <> w.owner_user_id))""";

    /** Whether the delivery's note may no longer be sent to its webhook ({@link #NOW_PRIVATE}). */
    boolean nowPrivate(UUID organizationId, UUID id) {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE id = ? AND organization_id = ? AND "
                        + NOW_PRIVATE).params(id, organizationId).query(Integer.class).single() > 0;
    }

    /**
     * Puts a finished delivery back in the queue, due now, with a fresh retry schedule and the same event
     * (so the same event id). A delivery still pending is a conflict: it is already queued; so is one whose
     * note may no longer be sent to the webhook ({@link #NOW_PRIVATE}).
     */
    boolean replay(UUID organizationId, UUID id) {
        int changed = jdbc.sql("""
                UPDATE webhook_deliveries
                SET status = 'pending', attempts = 0, next_attempt_at = ?, completed_at = NULL, locked_by = NULL,
                    locked_until = NULL, replays = replays + 1
                WHERE id = ? AND organization_id = ? AND status <> 'pending' AND webhook_id""" + Webhooks.LIVE
                + " AND NOT " + NOW_PRIVATE)
                .params(utc(Dates.now(clock)), id, organizationId).update();
        return changed > 0;
    }

    /** Failed deliveries of a webhook created in the window that had failed by {@code failedBefore}. */
    int countFailed(UUID webhookId, Instant since, Instant until, Instant failedBefore) {
        return jdbc.sql("""
                SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ? AND status = 'failed'
                AND created_at >= ? AND created_at <= ? AND completed_at <= ? AND NOT\s""" + NOW_PRIVATE)
                .params(webhookId, utc(since), utc(until), utc(failedBefore)).query(Integer.class).single();
    }

    /** Replays up to {@code limit} of them; returns how many. */
    int replayFailed(UUID webhookId, Instant since, Instant until, Instant failedBefore, int limit) {
        return jdbc.sql("""
                UPDATE webhook_deliveries
                SET status = 'pending', attempts = 0, next_attempt_at = ?, completed_at = NULL, locked_by = NULL,
                    locked_until = NULL, replays = replays + 1
                WHERE id IN (SELECT id FROM webhook_deliveries WHERE webhook_id = ? AND status = 'failed'
                             AND created_at >= ? AND created_at <= ? AND completed_at <= ?
                             AND NOT\s""" + NOW_PRIVATE + """
                             ORDER BY created_at LIMIT ?)
                  AND status = 'failed' AND completed_at <= ?
                  AND webhook_id""" + Webhooks.LIVE)
                // The outer condition again: PostgreSQL re-checks only it on a row that a retry changed meanwhile.
                .params(utc(Dates.now(clock)), webhookId, utc(since), utc(until), utc(failedBefore), limit,
                        utc(failedBefore)).update();
    }

    private static Delivery delivery(ResultSet rs, int row) throws SQLException {
        return new Delivery(rs.getObject("id", UUID.class), rs.getObject("webhook_id", UUID.class),
                rs.getObject("payload_event_id", UUID.class), rs.getString("action"), rs.getString("status"),
                rs.getInt("attempts"), rs.getInt("replays"), (Integer) rs.getObject("last_status_code"),
                rs.getString("last_error"), date(rs, "next_attempt_at"), date(rs, "created_at"),
                date(rs, "first_attempt_at"), date(rs, "last_attempt_at"), date(rs, "completed_at"), null);
    }

    private static Attempt attempt(ResultSet rs, int row) throws SQLException {
        return new Attempt(rs.getObject("id", UUID.class), rs.getString("request_id"), date(rs, "attempted_at"),
                rs.getInt("duration_ms"), (Integer) rs.getObject("status_code"), rs.getString("error_kind"),
                rs.getString("response_excerpt"), rs.getInt("batch_size"));
    }

    private static String date(ResultSet rs, String column) throws SQLException {
        return Dates.format(instant(rs, column));
    }
}
