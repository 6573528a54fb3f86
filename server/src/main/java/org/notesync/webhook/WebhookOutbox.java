package org.notesync.webhook;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.notesync.note.Note;
import org.notesync.note.NoteEvent;
import org.notesync.web.Databases;
import org.notesync.web.Dates;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The transactional outbox. Listens to {@link NoteEvent} synchronously, inside the transaction that
 * writes the note, and writes the event and one delivery per subscribed webhook with the same
 * connection just before that transaction commits: the note and its deliveries commit together or not
 * at all. The event's JSON is rendered here once, so delivery never loads the note again.
 *
 * <p>Private patients: a webhook created with a clinician's token is owned by that clinician; a private
 * patient's note goes only to webhooks owned by the patient's owner. Organization-wide webhooks (created
 * with a client-credentials token) never receive private notes.
 */
@Component
class WebhookOutbox {

    /** The transaction's events not yet written, bound as a transaction resource under this key. */
    private static final Object QUEUED = new Object();

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final JsonMapper json;
    private final Clock clock;
    private final DeliveryWakeup wakeup;
    /** The database's function for a random UUID, for deliveries written by INSERT ... SELECT. */
    private final String randomUuid;

    WebhookOutbox(JdbcClient jdbc, JdbcTemplate batch, JsonMapper json, Clock clock, DeliveryWakeup wakeup,
            DataSource dataSource) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.json = json;
        this.clock = clock;
        this.wakeup = wakeup;
        this.randomUuid = Databases.isPostgres(dataSource) ? "gen_random_uuid()" : "RANDOM_UUID()";
    }

    @EventListener
    void on(NoteEvent event) {
        String action = event.action() == NoteEvent.Action.CREATED ? WebhookEvents.NEW_NOTE
                : WebhookEvents.UPDATED_NOTE;
        // new_note's id is the note's uuid, as the guide says; an update is a new event with its own id,
        // so a receiver that deduplicates on ids does not drop it.
        UUID eventId = event.action() == NoteEvent.Action.CREATED ? event.note().uuid() : UUID.randomUUID();
        Subscribers subscribers = Subscribers.of(event, action);
        if (subscribers.none()) {
            return;
        }
        Queued queued = new Queued(UUID.randomUUID(), eventId, event.note().uuid(), event.organizationId(), action,
                render(eventId, action, event), Dates.now(clock).atOffset(ZoneOffset.UTC), subscribers);
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            write(List.of(queued));
            return;
        }
        // Written just before the transaction commits, all of its events together: a transaction that
        // writes many notes (the API's group commit) sends two batches instead of two statements per note.
        @SuppressWarnings("unchecked")
        List<Queued> transaction = (List<Queued>) TransactionSynchronizationManager.getResource(QUEUED);
        if (transaction == null) {
            List<Queued> events = new ArrayList<>();
            TransactionSynchronizationManager.bindResource(QUEUED, events);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    write(events);
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(QUEUED);
                }
            });
            transaction = events;
        }
        transaction.add(queued);
    }

    /** An event waiting for its transaction's commit, with the webhooks it goes to. */
    private record Queued(UUID rowId, UUID eventId, UUID noteId, UUID organizationId, String action, String payload,
            OffsetDateTime at, Subscribers subscribers) {
    }

    /**
     * Writes events and their deliveries, one batch per statement shape. The subscribers are chosen by
     * the statements themselves, so an event costs two inserts rather than a read of the organization's
     * webhooks and then two writes (docs/PERFORMANCE.md); it is written only if some webhook takes it.
     */
    private void write(List<Queued> events) {
        Map<String, List<Queued>> byShape = new LinkedHashMap<>();
        for (Queued q : events) {
            byShape.computeIfAbsent(q.subscribers().where(), k -> new ArrayList<>()).add(q);
        }
        boolean any = false;
        for (Map.Entry<String, List<Queued>> shape : byShape.entrySet()) {
            List<Object[]> eventRows = new ArrayList<>(shape.getValue().size());
            for (Queued q : shape.getValue()) {
                List<Object> row = new ArrayList<>(List.of(q.rowId(), q.eventId(), q.noteId(), q.organizationId(),
                        q.action(), q.payload(), q.at()));
                row.addAll(q.subscribers().parameters());
                eventRows.add(row.toArray());
            }
            // Both drivers report an INSERT ... SELECT's exact row count per batch entry.
            int[] written = batch.batchUpdate("""
                    INSERT INTO webhook_events (id, event_id, note_id, organization_id, action, payload, created_at)
                    SELECT CAST(? AS uuid), CAST(? AS uuid), CAST(? AS uuid), CAST(? AS uuid), CAST(? AS varchar(40)),
                           CAST(? AS text), CAST(? AS timestamp with time zone)
                    WHERE EXISTS (SELECT 1 FROM webhooks w WHERE %s)""".formatted(shape.getKey()), eventRows);
            List<Object[]> deliveryRows = new ArrayList<>(written.length);
            for (int i = 0; i < written.length; i++) {
                if (written[i] > 0) {
                    Queued q = shape.getValue().get(i);
                    List<Object> row = new ArrayList<>(List.of(q.rowId(), q.at(), q.at()));
                    row.addAll(q.subscribers().parameters());
                    deliveryRows.add(row.toArray());
                }
            }
            if (deliveryRows.isEmpty()) {
                continue;
            }
            batch.batchUpdate("""
                    INSERT INTO webhook_deliveries (id, webhook_id, organization_id, event_id, status, attempts,
                                                    next_attempt_at, created_at, replays)
                    SELECT %s, w.id, w.organization_id, CAST(? AS uuid), 'pending', 0,
                           CAST(? AS timestamp with time zone), CAST(? AS timestamp with time zone), 0
                    FROM webhooks w WHERE %s""".formatted(randomUuid, shape.getKey()), deliveryRows);
            any = true;
        }
        if (any) {
            wakeup.afterCommit();
        }
    }

    /**
     * The webhooks an event goes to, as SQL over {@code webhooks w}: the organization's active ones that
     * subscribe to the action; for a private patient's note, only those its owner created.
     */
    private record Subscribers(String where, List<Object> parameters) {

        static Subscribers of(NoteEvent event, String action) {
            if ("private".equals(event.patientVisibility()) && event.patientOwnerId() == null) {
                return new Subscribers(null, List.of()); // a private patient without an owner: no webhook
            }
            // Event names are lower-case letters and underscores; the underscore is escaped for LIKE.
            List<Object> parameters = new ArrayList<>(List.of(event.organizationId(),
                    "% " + action.replace("_", "\\_") + " %"));
            String where = "w.organization_id = ? AND w.active = TRUE AND w.deleted_at IS NULL"
                    + " AND ' ' || w.events || ' ' LIKE ? ESCAPE '\\'";
            if ("private".equals(event.patientVisibility())) {
                where += " AND w.owner_user_id = ?";
                parameters.add(event.patientOwnerId());
            }
            return new Subscribers(where, List.copyOf(parameters));
        }

        boolean none() {
            return where == null;
        }
    }

    /** Writes an event and its deliveries in the caller's transaction; they start after it commits. */
    UUID enqueue(UUID organizationId, UUID eventId, String action, String payload, List<UUID> webhooks) {
        return deliver(organizationId, event(organizationId, eventId, null, action, payload), webhooks).get(0);
    }

    /** Writes an event (of a note, or none) in the caller's transaction; returns its row's id. */
    UUID event(UUID organizationId, UUID eventId, UUID noteId, String action, String payload) {
        return event(organizationId, eventId, noteId, action, payload, Dates.now(clock));
    }

    /** The same, written as of {@code at} (never before what it shows: a replay on a node whose clock is behind). */
    UUID event(UUID organizationId, UUID eventId, UUID noteId, String action, String payload, Instant at) {
        UUID rowId = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO webhook_events (id, event_id, note_id, organization_id, action, payload, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(rowId, eventId, noteId, organizationId, action, payload, at.atOffset(ZoneOffset.UTC))
                .update();
        return rowId;
    }

    /**
     * Writes deliveries of an event row to webhooks, due now, in the caller's transaction; they start after
     * it commits. Returns their ids.
     */
    List<UUID> deliver(UUID organizationId, UUID eventRowId, List<UUID> webhooks) {
        OffsetDateTime now = Dates.now(clock).atOffset(ZoneOffset.UTC);
        List<Object[]> rows = new ArrayList<>(webhooks.size());
        List<UUID> deliveryIds = new ArrayList<>(webhooks.size());
        for (UUID webhook : webhooks) {
            UUID id = UUID.randomUUID();
            deliveryIds.add(id);
            rows.add(new Object[] {id, webhook, organizationId, eventRowId, now, now});
        }
        batch.batchUpdate("""
                INSERT INTO webhook_deliveries (id, webhook_id, organization_id, event_id, status, attempts,
                                                next_attempt_at, created_at, replays)
                VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, 0)""", rows);
        wakeup.afterCommit();
        return deliveryIds;
    }

    /** The guide's event object: exactly its fields, dates formatted like the API's. */
    String render(UUID eventId, String action, NoteEvent event) {
        Note note = event.note();
        ObjectNode noteNode = json.createObjectNode();
        ObjectNode full = json.valueToTree(note);
        for (String field : List.of("uuid", "type", "content", "createdAt", "updatedAt")) {
            noteNode.set(field, full.get(field));
        }
        ObjectNode patient = noteNode.putObject("patient");
        if (note.patient() != null) {
            patient.put("uuid", str(note.patient().uuid()));
            patient.put("firstName", note.patient().firstName());
            patient.put("lastName", note.patient().lastName());
        }
        ObjectNode root = json.createObjectNode();
        root.put("id", eventId.toString());
        root.put("resource_type", "note");
        root.put("action", action);
        root.putObject("metadata").set("note", noteNode);
        ObjectNode resource = root.putObject("resource_metadata");
        UUID userId = note.user() != null ? note.user().uuid() : jdbc.sql("SELECT user_id FROM notes WHERE id = ?")
                .param(note.uuid()).query(UUID.class).optional().orElse(null);
        resource.put("user_id", str(userId));
        resource.put("organization_id", event.organizationId().toString());
        return json.writeValueAsString(root);
    }

    private static String str(UUID id) {
        return id == null ? null : id.toString();
    }
}
