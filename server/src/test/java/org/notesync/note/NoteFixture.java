package org.notesync.note;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Writes a note row straight into the database, with chosen timestamps, for tests of filters and paging. */
final class NoteFixture {

    private final JdbcClient jdbc;
    private final UUID organizationId;
    private final UUID patientId;
    private UUID userId;
    private UUID audioId;
    private String type = "consultation_summary";
    private String content = "Patient presents with a cough.";
    private Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private Instant updatedAt;

    private NoteFixture(JdbcClient jdbc, UUID organizationId, UUID patientId) {
        this.jdbc = jdbc;
        this.organizationId = organizationId;
        this.patientId = patientId;
    }

    static NoteFixture noteAbout(JdbcClient jdbc, UUID organizationId, UUID patientId) {
        return new NoteFixture(jdbc, organizationId, patientId);
    }

    NoteFixture by(UUID user) {
        this.userId = user;
        return this;
    }

    NoteFixture fromAudio(UUID audio) {
        this.audioId = audio;
        return this;
    }

    NoteFixture type(String value) {
        this.type = value;
        return this;
    }

    NoteFixture content(String value) {
        this.content = value;
        return this;
    }

    NoteFixture createdAt(Instant at) {
        this.createdAt = at;
        return this;
    }

    NoteFixture updatedAt(Instant at) {
        this.updatedAt = at;
        return this;
    }

    UUID insert() {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO notes (id, organization_id, patient_id, user_id, audio_id, type, content,
                                   created_at, updated_at)
                VALUES (:id, :org, :patient, :user, :audio, :type, :content, :created, :updated)""")
                .param("id", id).param("org", organizationId).param("patient", patientId).param("user", userId)
                .param("audio", audioId).param("type", type).param("content", content)
                .param("created", createdAt.atOffset(ZoneOffset.UTC))
                .param("updated", (updatedAt == null ? createdAt : updatedAt).atOffset(ZoneOffset.UTC))
                .update();
        return id;
    }
}
