package org.notesync.agent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/** The {@code sync_state} row: the feed's cursor, the counters and the times the status shows. */
final class SyncState {

    private final AgentDatabase database;
    private final Clock clock;

    SyncState(AgentDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    long feedCursor() {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT feed_cursor FROM sync_state WHERE id = 1");
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * After a batch of the feed is imported: the cursor the feed answered, below the stored one only when the
     * server's feed went back (its database restored from an older backup).
     */
    void polled(long cursor) {
        update("UPDATE sync_state SET feed_cursor = ?, last_poll_at = ?, last_poll_error = NULL"
                + " WHERE id = 1", cursor, AgentDatabase.timestamp(clock.instant()));
    }

    /** A poll that could not reach the server or was refused: the kind of error, never a response body. */
    void pollFailed(String error) {
        update("UPDATE sync_state SET last_poll_error = ? WHERE id = 1", error);
    }

    void webhookReceived(Connection c) throws SQLException {
        execute(c, "UPDATE sync_state SET last_webhook_at = ? WHERE id = 1", AgentDatabase.timestamp(clock.instant()));
    }

    /** A webhook request was refused (its signature, timestamp or payload), and why. */
    void webhookRefused(String reason) {
        update("UPDATE sync_state SET last_webhook_refused_at = ?, last_webhook_refusal = ? WHERE id = 1",
                AgentDatabase.timestamp(clock.instant()), reason.length() > 200 ? reason.substring(0, 200) : reason);
    }

    void duplicateSkipped() {
        update("UPDATE sync_state SET duplicates_skipped = duplicates_skipped + 1 WHERE id = 1");
    }

    void imported(Connection c, boolean firstVersion, Instant noteUpdatedAt) throws SQLException {
        Instant now = clock.instant();
        long lag = noteUpdatedAt == null ? 0 : Math.max(0, Duration.between(noteUpdatedAt, now).toMillis());
        execute(c, "UPDATE sync_state SET " + (firstVersion ? "notes_imported = notes_imported + 1"
                : "updates_applied = updates_applied + 1") + ", last_import_at = ?, last_import_lag_ms = ? WHERE id = 1",
                AgentDatabase.timestamp(now), lag);
    }

    /** What {@code GET /status} and the {@code status} command show; reads only the database. */
    Status read() {
        Instant now = clock.instant();
        return database.inTransaction(c -> {
            long pending;
            Instant oldestPending;
            long failing;
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT COUNT(*), MIN(received_at), SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END)
                    FROM agent_inbox""");
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                pending = rs.getLong(1);
                oldestPending = AgentDatabase.instant(rs.getObject(2, OffsetDateTime.class));
                failing = rs.getLong(3);
            }
            long rows;
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM imported_notes");
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                rows = rs.getLong(1);
            }
            try (PreparedStatement s = c.prepareStatement("SELECT * FROM sync_state WHERE id = 1");
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                Object lagMs = rs.getObject("last_import_lag_ms");
                return new Status(rows, rs.getLong("notes_imported"), rs.getLong("updates_applied"),
                        rs.getLong("duplicates_skipped"), pending, failing,
                        AgentDatabase.instant(rs.getObject("last_webhook_at", OffsetDateTime.class)),
                        AgentDatabase.instant(rs.getObject("last_poll_at", OffsetDateTime.class)),
                        rs.getString("last_poll_error"), rs.getLong("feed_cursor"),
                        AgentDatabase.instant(rs.getObject("last_import_at", OffsetDateTime.class)),
                        lagMs == null ? null : ((Number) lagMs).longValue(),
                        oldestPending == null ? 0 : Math.max(0, Duration.between(oldestPending, now).toSeconds()),
                        AgentDatabase.instant(rs.getObject("last_webhook_refused_at", OffsetDateTime.class)),
                        rs.getString("last_webhook_refusal"));
            }
        });
    }

    private void update(String sql, Object... params) {
        database.inTransaction(c -> {
            execute(c, sql, params);
            return null;
        });
    }

    private static void execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }
}
