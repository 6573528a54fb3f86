package org.notesync.audio;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes an audio row straight into the database, with chosen timestamps and state, for tests of filters
 * and of references to audios. No file is stored and no pipeline job is queued.
 */
public final class AudioFixture {

    private final JdbcClient jdbc;
    private final UUID organizationId;
    private final UUID patientId;
    private UUID userId;
    private String status = "completed";
    private String language;
    private String transcription;
    private Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private Instant updatedAt;

    private AudioFixture(JdbcClient jdbc, UUID organizationId, UUID patientId) {
        this.jdbc = jdbc;
        this.organizationId = organizationId;
        this.patientId = patientId;
    }

    public static AudioFixture audioAbout(JdbcClient jdbc, UUID organizationId, UUID patientId) {
        return new AudioFixture(jdbc, organizationId, patientId);
    }

    public AudioFixture by(UUID user) {
        this.userId = user;
        return this;
    }

    public AudioFixture status(String value) {
        this.status = value;
        return this;
    }

    public AudioFixture language(String value) {
        this.language = value;
        return this;
    }

    public AudioFixture transcription(String value) {
        this.transcription = value;
        return this;
    }

    public AudioFixture createdAt(Instant at) {
        this.createdAt = at;
        return this;
    }

    public AudioFixture updatedAt(Instant at) {
        this.updatedAt = at;
        return this;
    }

    public UUID insert() {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO audios (id, organization_id, patient_id, user_id, status, language_spoken, note_type,
                                    content_type, size_bytes, storage_key, transcription, transcription_search,
                                    created_at, updated_at)
                VALUES (:id, :org, :patient, :user, :status, :language, 'consultation_summary', 'audio/wav', 0,
                        :key, :text, :search, :created, :updated)""")
                .param("id", id).param("org", organizationId).param("patient", patientId).param("user", userId)
                .param("status", status).param("language", language).param("key", organizationId + "/" + id + ".wav")
                .param("text", transcription).param("search", SearchText.normalize(transcription))
                .param("created", createdAt.atOffset(ZoneOffset.UTC))
                .param("updated", (updatedAt == null ? createdAt : updatedAt).atOffset(ZoneOffset.UTC))
                .update();
        return id;
    }
}
