package org.notesync.agent;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.notesync.client.WebhookEvent;
import org.notesync.client.WebhookPayload;

/**
 * The durable inbox: verified webhook requests are stored here before the agent answers 200, and imported
 * afterwards by one worker. A request whose import fails stays, and is tried again with a growing delay.
 */
final class Inbox {

    private static final System.Logger LOG = System.getLogger(Inbox.class.getName());
    private static final int BATCH = 50;
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final AgentDatabase database;
    private final SyncState state;
    private final NoteImporter importer;
    private final Clock clock;

    Inbox(AgentDatabase database, SyncState state, NoteImporter importer, Clock clock) {
        this.database = database;
        this.state = state;
        this.importer = importer;
        this.clock = clock;
    }

    /** Stores a verified request; when this returns, the request survives a crash. */
    void store(String webhookId, byte[] body) {
        Instant now = clock.instant();
        database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO agent_inbox (webhook_id, received_at, body, next_attempt_at) VALUES (?, ?, ?, ?)")) {
                s.setString(1, webhookId);
                s.setObject(2, AgentDatabase.timestamp(now));
                s.setString(3, new String(body, StandardCharsets.UTF_8));
                s.setObject(4, AgentDatabase.timestamp(now));
                s.executeUpdate();
            }
            state.webhookReceived(c);
            return null;
        });
    }

    /** Imports every due request, oldest first; returns how many were imported. Called by one thread only. */
    int drain() {
        int done = 0;
        while (true) {
            List<Stored> due = due();
            if (due.isEmpty()) {
                return done;
            }
            for (Stored request : due) {
                try {
                    WebhookPayload payload = SyncAgent.JSON.readValue(request.body(), WebhookPayload.class);
                    for (WebhookEvent event : payload.events()) {
                        if ((event.action() == WebhookEvent.Action.NEW_NOTE
                                || event.action() == WebhookEvent.Action.UPDATED_NOTE) && event.note().isPresent()) {
                            importer.importNote(event.note().get(), NoteImporter.Source.WEBHOOK);
                        }
                    }
                    delete(request.id());
                    done++;
                } catch (RuntimeException e) {
                    failed(request, e);
                }
            }
            if (due.size() < BATCH) {
                return done;
            }
        }
    }

    private List<Stored> due() {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT id, body, attempts FROM agent_inbox WHERE next_attempt_at <= ?
                    ORDER BY id LIMIT""" + " " + BATCH)) {
                s.setObject(1, AgentDatabase.timestamp(clock.instant()));
                List<Stored> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Stored(rs.getLong(1), rs.getString(2), rs.getInt(3)));
                    }
                }
                return rows;
            }
        });
    }

    private void delete(long id) {
        database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM agent_inbox WHERE id = ?")) {
                s.setLong(1, id);
                s.executeUpdate();
            }
            return null;
        });
    }

    private void failed(Stored request, RuntimeException e) {
        int attempts = request.attempts() + 1;
        Duration wait = Duration.ofSeconds(1L << Math.min(attempts, 16));
        Instant next = clock.instant().plus(wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait);
        // The exception's type only: a message may quote the note.
        String error = e.getClass().getSimpleName();
        LOG.log(Level.WARNING, "Importing webhook request {0} failed ({1}), attempt {2}; next try at {3}",
                request.id(), error, attempts, next);
        database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE agent_inbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?")) {
                s.setInt(1, attempts);
                s.setObject(2, AgentDatabase.timestamp(next));
                s.setString(3, error);
                s.setLong(4, request.id());
                s.executeUpdate();
            }
            return null;
        });
    }

    private record Stored(long id, String body, int attempts) {
    }
}
