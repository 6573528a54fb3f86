package org.notesync.webhook;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.notesync.note.NoteEvent;
import org.notesync.note.Notes;
import org.notesync.web.Databases;
import org.notesync.web.Dates;
import org.notesync.web.SqlWhere;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import static org.notesync.webhook.JdbcDeliveryStore.utc;

/**
 * The note events a webhook never got, for {@code POST /webhooks/{uuid}/replay-missing}: written while it
 * was inactive (paused, or disabled after failing), or before it was registered. For each of its
 * organization's notes that it would be sent today (its patient shared, or private and the webhook its
 * owner's), written or changed in the window:
 *
 * <ul>
 *   <li>{@code new_note}, if it subscribes to it, the note was created in the window, and the webhook has no
 *       delivery of the note's {@code new_note};</li>
 *   <li>otherwise {@code updated_note}, if it subscribes to it, the note was changed in the window, and the
 *       webhook has no delivery of an event of the note written at or after that last change.</li>
 * </ul>
 *
 * A delivery in any state counts (a failed one is for {@code recover}). The event sent is the one other
 * webhooks got when it was written, where there is one (the same id and payload), or else the note as it is
 * now, under the note's uuid for {@code new_note} as always. Each replay writes a delivery, which takes
 * the note out of what is missing, so chunks need no cursor.
 */
@Component
class MissingEvents {

    private final JdbcClient jdbc;
    private final Notes notes;
    private final WebhookOutbox outbox;
    private final Clock clock;

    /**
     * One replay of a webhook at a time (a recovery's chunk, a patient shared meanwhile): each reads what the
     * other wrote, rather than both finding a note missing and sending it twice. On PostgreSQL an advisory
     * lock on the webhook's id: a lock on its row would conflict with the key-share lock each delivery insert
     * takes on its webhook (the foreign key), so a create sending a note to that webhook would wait for the
     * whole replay with the feed's lock held, holding up every other create, and could deadlock with a replay
     * of several webhooks (a patient shared); and with the engine's write of the webhook's failing state.
     */
    private final String oneReplayAtATime;

    MissingEvents(JdbcClient jdbc, Notes notes, WebhookOutbox outbox, Clock clock, DataSource dataSource) {
        this.oneReplayAtATime = Databases.isPostgres(dataSource)
                ? "SELECT pg_advisory_xact_lock(:key)" : "SELECT id FROM webhooks WHERE id = :webhook FOR UPDATE";
        this.jdbc = jdbc;
        this.notes = notes;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** A note the webhook never got an event of, and the event it is missing. */
    private record Missing(UUID noteId, Instant updatedAt, String action) {
    }

    /** Written at any time: the window of {@link #replayOfPatient}. */
    private static final Instant EVER_SINCE = Instant.EPOCH;
    private static final Instant EVER_UNTIL = Instant.parse("9999-12-31T23:59:59Z");

    int count(Webhooks.Webhook webhook, Instant since, Instant until) {
        Optional<SqlWhere> where = where(webhook, since, until, null);
        return where.isEmpty() ? 0 : jdbc.sql("SELECT COUNT(*) FROM notes n JOIN patients p ON p.id = n.patient_id"
                        + " WHERE " + where.get().sql())
                .params(where.get().parameters()).query(Integer.class).single();
    }

    /** Queues up to {@code limit} of the missing events for the webhook, oldest notes first; returns how many. */
    int replay(Webhooks.Webhook webhook, Instant since, Instant until, int limit) {
        return replay(webhook, since, until, null, limit);
    }

    /**
     * Queues every event of one patient's notes that the webhook is missing, whenever the notes were written:
     * the patient was just shared, or given to the webhook's clinician, and the webhook may now receive them.
     * Returns how many.
     */
    int replayOfPatient(Webhooks.Webhook webhook, UUID patientId) {
        int replayed = 0;
        for (int chunk = replay(webhook, EVER_SINCE, EVER_UNTIL, patientId, CHUNK); chunk > 0;
                chunk = replay(webhook, EVER_SINCE, EVER_UNTIL, patientId, CHUNK)) {
            replayed += chunk; // each replay takes its notes out of what is missing
        }
        return replayed;
    }

    private static final int CHUNK = 500;

    private int replay(Webhooks.Webhook webhook, Instant since, Instant until, UUID patientId, int limit) {
        Optional<SqlWhere> where = where(webhook, since, until, patientId);
        if (where.isEmpty()) {
            return 0;
        }
        jdbc.sql(oneReplayAtATime).param("webhook", webhook.id()).param("key", lockKey(webhook.id())).query().listOfRows();
        String action = webhook.events().contains(WebhookEvents.NEW_NOTE)
                ? "CASE WHEN " + createdInWindow() + " AND " + newNoteMissing()
                        + " THEN 'new_note' ELSE 'updated_note' END"
                : "'updated_note'";
        List<Missing> missing = jdbc.sql("SELECT n.id, n.updated_at, " + action + " AS action"
                        + " FROM notes n JOIN patients p ON p.id = n.patient_id WHERE " + where.get().sql()
                        + " ORDER BY n.created_at, n.id LIMIT :limit")
                .params(where.get().parameters()).param("limit", limit)
                .query((rs, row) -> new Missing(rs.getObject("id", UUID.class), JdbcDeliveryStore.instant(rs,
                        "updated_at"), rs.getString("action")))
                .list();
        int replayed = 0;
        for (Missing m : missing) {
            Optional<UUID> event = sent(m);
            if (event.isEmpty()) {
                event = render(webhook.organizationId(), m);
            }
            if (event.isPresent()) { // none: the note went meanwhile
                outbox.deliver(webhook.organizationId(), event.get(), List.of(webhook.id()));
                replayed++;
            }
        }
        return replayed;
    }

    /** The webhook's advisory lock (two webhooks sharing one only wait for each other). */
    static long lockKey(UUID webhook) {
        return webhook.getMostSignificantBits() ^ webhook.getLeastSignificantBits();
    }

    /**
     * The notes whose events the webhook is missing; empty when it subscribes to no note event, or would
     * receive none of them (nothing of a private patient without an owner goes anywhere).
     */
    private Optional<SqlWhere> where(Webhooks.Webhook webhook, Instant since, Instant until, UUID patientId) {
        List<String> missing = new ArrayList<>(2);
        if (webhook.events().contains(WebhookEvents.NEW_NOTE)) {
            missing.add("(" + createdInWindow() + " AND " + newNoteMissing() + ")");
        }
        if (webhook.events().contains(WebhookEvents.UPDATED_NOTE)) {
            missing.add("""
                    (n.updated_at >= :since AND n.updated_at <= :until AND n.updated_at > n.created_at
                     AND NOT EXISTS (SELECT 1 FROM webhook_events e JOIN webhook_deliveries d ON d.event_id = e.id
                                     WHERE e.note_id = n.id AND e.created_at >= n.updated_at
                                       AND d.webhook_id = :webhook))""");
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        // Who receives a note, as WebhookOutbox decides it when the note is written, on the patient as it is now.
        SqlWhere where = new SqlWhere().and("n.organization_id = :org", "org", webhook.organizationId());
        if (patientId != null) {
            where.and("n.patient_id = :patient", "patient", patientId);
        }
        if (webhook.ownerUserId() == null) {
            where.and("(p.visibility_option IS NULL OR p.visibility_option <> 'private')");
        } else {
            where.and("(p.visibility_option IS NULL OR p.visibility_option <> 'private' OR p.user_id = :owner)",
                    "owner", webhook.ownerUserId());
        }
        where.and("(" + String.join(" OR ", missing) + ")", "since", utc(since), "until", utc(until),
                "webhook", webhook.id());
        return Optional.of(where);
    }

    /**
     * Only a note created in the window can be missing its {@code new_note}: of one created before it, the
     * webhook's delivery may have gone with the retention, and a {@code new_note} sent again under the note's
     * uuid would be dropped by the receiver as the duplicate it is, its change with it.
     */
    private static String createdInWindow() {
        return "n.created_at >= :since AND n.created_at <= :until";
    }

    private static String newNoteMissing() {
        return """
                NOT EXISTS (SELECT 1 FROM webhook_events e JOIN webhook_deliveries d ON d.event_id = e.id
                            WHERE e.note_id = n.id AND e.action = 'new_note' AND d.webhook_id = :webhook)""";
    }

    /** The event row other webhooks got for this note's missing event, if one was written. */
    private Optional<UUID> sent(Missing m) {
        String condition = WebhookEvents.NEW_NOTE.equals(m.action()) ? "action = 'new_note'"
                : "action = 'updated_note' AND created_at >= :updated";
        return jdbc.sql("SELECT id FROM webhook_events WHERE note_id = :note AND " + condition
                        + " ORDER BY created_at DESC LIMIT 1")
                .param("note", m.noteId()).param("updated", utc(m.updatedAt()))
                .query(UUID.class).optional();
    }

    /** A new event row for the note as it is now. */
    private Optional<UUID> render(UUID organizationId, Missing m) {
        boolean created = WebhookEvents.NEW_NOTE.equals(m.action());
        return notes.asEvent(organizationId, m.noteId(), created ? NoteEvent.Action.CREATED : NoteEvent.Action.UPDATED)
                .map(event -> {
                    UUID eventId = created ? m.noteId() : UUID.randomUUID();
                    // Never dated before the change it shows, or the note would still look missing.
                    Instant now = Dates.now(clock);
                    Instant at = now.isBefore(event.note().updatedAt()) ? event.note().updatedAt() : now;
                    return outbox.event(organizationId, eventId, m.noteId(), m.action(),
                            outbox.render(eventId, m.action(), event), at);
                });
    }
}
