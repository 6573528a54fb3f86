package org.notesync.agent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

import org.notesync.client.NotFoundException;
import org.notesync.client.Note;
import org.notesync.client.NoteVersion;
import org.notesync.client.Notes;

/**
 * Writes notes into {@code imported_notes}, once per version, keyed by the note uuid: a copy of a version
 * already imported (a retry, a replay, the feed bringing what a webhook brought) or an older version
 * arriving late changes nothing; a newer version updates the row.
 */
final class NoteImporter {

    enum Source { WEBHOOK, FEED }

    enum Outcome { IMPORTED, UPDATED, DUPLICATE, GONE }

    private final AgentDatabase database;
    private final SyncState state;
    private final Notes notes;
    private final PatientDirectory patients;
    private final Clock clock;

    NoteImporter(AgentDatabase database, SyncState state, Notes notes, PatientDirectory patients, Clock clock) {
        this.database = database;
        this.state = state;
        this.notes = notes;
        this.patients = patients;
        this.clock = clock;
    }

    /**
     * Imports {@code note} unless this version or a newer one is already there. One import at a time: the
     * inbox worker and the feed poller may bring the same note at the same moment.
     *
     * @throws RuntimeException when the database or the API fails; the caller tries again later
     */
    synchronized Outcome importNote(Note note, Source source) {
        Optional<Stored> row = stored(note.uuid());
        Optional<NoteVersion> stored = row.map(Stored::version);
        NoteVersion incoming = NoteVersion.of(note);
        if (incoming.isCoveredBy(stored.orElse(null))) {
            state.duplicateSkipped();
            return Outcome.DUPLICATE;
        }
        Note current = note;
        if (stored.isPresent() && incoming.updatedAt().equals(stored.get().updatedAt())) {
            // updatedAt is shown to the second: within one second only the server knows which version is newer.
            try {
                current = notes.get(note.uuid());
            } catch (NotFoundException gone) {
                return Outcome.GONE;
            }
            if (NoteVersion.of(current).isCoveredBy(stored.get())) {
                state.duplicateSkipped();
                return Outcome.DUPLICATE;
            }
        }
        Note version = current;
        UUID patient = version.patient() == null ? null : version.patient().uuid();
        // A patient deleted since is not found: its row keeps the id it has, not a null written over it.
        String lastStored = row.filter(r -> patient != null && patient.equals(r.patient()))
                .map(Stored::externalId).orElse(null);
        String externalId = patients.externalId(patient, lastStored).orElse(null);
        boolean first = stored.isEmpty();
        database.inTransaction(c -> {
            if (first) {
                insert(c, version, externalId, source);
            } else {
                update(c, version, externalId, source);
            }
            state.imported(c, first, version.updatedAt());
            return null;
        });
        return first ? Outcome.IMPORTED : Outcome.UPDATED;
    }

    /** A note's row as the importer needs it: the version imported, and the patient it was mapped to. */
    private record Stored(NoteVersion version, UUID patient, String externalId) {
    }

    private Optional<Stored> stored(UUID note) {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT note_updated_at, fingerprint, patient_uuid,"
                    + " patient_external_id FROM imported_notes WHERE note_uuid = ?")) {
                s.setObject(1, note);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Stored(new NoteVersion(rs.getObject(1, OffsetDateTime.class).toInstant(),
                            rs.getString(2)), rs.getObject(3, UUID.class), rs.getString(4)));
                }
            }
        });
    }

    private void insert(Connection c, Note note, String externalId, Source source) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO imported_notes (note_uuid, patient_uuid, patient_external_id, user_uuid, type, content,
                    note_created_at, note_updated_at, fingerprint, source, first_imported_at, last_imported_at,
                    versions_imported)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)""")) {
            OffsetDateTime now = AgentDatabase.timestamp(clock.instant());
            s.setObject(1, note.uuid());
            s.setObject(2, note.patient() == null ? null : note.patient().uuid());
            s.setString(3, externalId);
            s.setObject(4, note.user() == null ? null : note.user().uuid());
            s.setString(5, note.type());
            s.setString(6, note.content());
            s.setObject(7, AgentDatabase.timestamp(note.createdAt()));
            s.setObject(8, AgentDatabase.timestamp(NoteVersion.of(note).updatedAt()));
            s.setString(9, NoteVersion.of(note).fingerprint());
            s.setString(10, source.name().toLowerCase(java.util.Locale.ROOT));
            s.setObject(11, now);
            s.setObject(12, now);
            s.executeUpdate();
        }
    }

    private void update(Connection c, Note note, String externalId, Source source) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE imported_notes SET patient_uuid = ?, patient_external_id = ?,
                    user_uuid = COALESCE(?, user_uuid), type = ?, content = ?, note_updated_at = ?, fingerprint = ?,
                    source = ?, last_imported_at = ?, versions_imported = versions_imported + 1
                WHERE note_uuid = ?""")) {
            s.setObject(1, note.patient() == null ? null : note.patient().uuid());
            s.setString(2, externalId);
            s.setObject(3, note.user() == null ? null : note.user().uuid());
            s.setString(4, note.type());
            s.setString(5, note.content());
            s.setObject(6, AgentDatabase.timestamp(NoteVersion.of(note).updatedAt()));
            s.setString(7, NoteVersion.of(note).fingerprint());
            s.setString(8, source.name().toLowerCase(java.util.Locale.ROOT));
            s.setObject(9, AgentDatabase.timestamp(clock.instant()));
            s.setObject(10, note.uuid());
            s.executeUpdate();
        }
    }
}
