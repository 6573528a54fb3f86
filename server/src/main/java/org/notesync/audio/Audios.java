package org.notesync.audio;

import java.io.IOException;
import java.io.InputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import org.notesync.identity.Viewer;
import org.notesync.logging.LoggedErrors;
import org.notesync.note.Note;
import org.notesync.web.Dates;
import org.notesync.web.IdempotencyKeys;
import org.notesync.web.ListReads;
import org.notesync.web.Page;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Audio consultations of an organization, as the API reads and writes them. Every query is scoped to the
 * viewer's organization and follows the patient's visibility (a private patient's audios are its
 * clinician's only). The bytes go to {@link AudioStorage}; the row says where.
 */
@Service
class Audios {

    private static final Logger log = LoggerFactory.getLogger(Audios.class);

    private static final String SELECT = """
            SELECT a.id, a.organization_id, a.status, a.failure_reason, a.language_spoken, a.note_type,
                   a.content_type, a.size_bytes, a.storage_key, a.transcript_source, a.transcription, a.duration_ms,
                   a.note_id, a.created_at, a.updated_at, a.transcribed_at, a.completed_at, a.file_deleted_at,
                   a.patient_id, p.first_name AS patient_first_name, p.last_name AS patient_last_name,
                   p.visibility_option AS patient_visibility, p.user_id AS patient_owner,
                   a.user_id, u.first_name AS user_first_name, u.last_name AS user_last_name
            FROM audios a
            JOIN patients p ON p.id = a.patient_id
            JOIN users u ON u.id = a.user_id
            """;

    /** What a new audio is, once its fields are valid. */
    record NewAudio(UUID organizationId, UUID patientId, UUID userId, String languageSpoken, String noteType,
            String transcript) {
    }

    /** An audio's file, for streaming it back; {@code deletedAt} is set once its retention period removed it. */
    record StoredFile(AudioFormat format, long size, String storageKey, Instant deletedAt) {
    }

    private record Stored(Audio audio, String patientVisibility, UUID patientOwnerId, String storageKey) {
    }

    private final JdbcClient jdbc;
    private final ListReads lists;
    private final AudioStorage storage;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final IdempotencyKeys keys;

    Audios(JdbcClient jdbc, ListReads lists, AudioStorage storage, ApplicationEventPublisher events,
            PlatformTransactionManager transactions, Clock clock, IdempotencyKeys keys) {
        this.jdbc = jdbc;
        this.keys = keys;
        this.lists = lists;
        this.storage = storage;
        this.events = events;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /**
     * What an upload did: stored {@code audio}, or nothing because its Idempotency-Key had already created the
     * audio {@code earlier}.
     */
    record Created(Audio audio, UUID earlier) {
    }

    /**
     * Stores the bytes, then the row and its {@link AudioUploaded} event in one transaction. A failed
     * insert removes the file again, unless the row committed after all.
     *
     * @param claim the request's Idempotency-Key, taken in the audio's transaction, or null: when an upload with
     *              the same key committed first, the bytes are removed again and the answer names its audio
     */
    Created create(NewAudio audio, AudioFormat format, InputStream content, IdempotencyKeys.Claim claim)
            throws IOException {
        UUID id = UUID.randomUUID();
        String key = audio.organizationId() + "/" + id + "." + format.extension();
        long size = storage.write(key, content);
        Created created;
        try {
            // Read back before the commit: the pipeline may move the audio on as soon as it commits.
            created = transaction.execute(tx -> {
                Optional<UUID> earlier = claim == null ? Optional.empty() : keys.record(claim, id);
                if (earlier.isPresent()) {
                    return new Created(null, earlier.get());
                }
                OffsetDateTime now = Dates.now(clock).atOffset(ZoneOffset.UTC);
                jdbc.sql("""
                        INSERT INTO audios (id, organization_id, patient_id, user_id, status, language_spoken,
                                            note_type, content_type, size_bytes, storage_key, transcript_source,
                                            transcription, transcription_search, created_at, updated_at)
                        VALUES (:id, :org, :patient, :user, :status, :language, :type, :contentType, :size, :key,
                                :source, :transcript, :search, :now, :now)""")
                        .param("id", id).param("org", audio.organizationId()).param("patient", audio.patientId())
                        .param("user", audio.userId()).param("status", AudioStatus.UPLOADED.wireName())
                        .param("language", audio.languageSpoken()).param("type", audio.noteType())
                        .param("contentType", format.mediaType()).param("size", size).param("key", key)
                        .param("source", audio.transcript() == null ? null : "upload")
                        .param("transcript", audio.transcript())
                        .param("search", SearchText.normalize(audio.transcript()))
                        .param("now", now)
                        .update();
                events.publishEvent(new AudioUploaded(id, audio.organizationId()));
                return new Created(byId(audio.organizationId(), id).orElseThrow().audio(), null);
            });
        } catch (RuntimeException e) {
            removeUnlessCommitted(id, key);
            throw e;
        }
        if (created.earlier() != null) {
            removeUnlessCommitted(id, key); // the first upload's recording is the one kept
        }
        return created;
    }

    /**
     * After a failed insert: removes the file, unless the row committed after all (a connection lost during
     * the commit) or the database cannot tell; the storage sweep removes what is left once it can.
     */
    private void removeUnlessCommitted(UUID id, String key) {
        try {
            if (jdbc.sql("SELECT COUNT(*) FROM audios WHERE id = :id").param("id", id).query(Long.class).single() == 0) {
                storage.delete(key);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("The recording of a failed upload was left to the storage sweep: {}", LoggedErrors.summary(e));
        }
    }

    /** Whether the viewer may upload about this patient: one of its organization's, live, visible. */
    boolean canWriteAbout(Viewer viewer, UUID patientId) {
        return jdbc.sql("""
                        SELECT visibility_option, user_id FROM patients
                        WHERE id = :id AND organization_id = :org AND deleted_at IS NULL""")
                .param("id", patientId).param("org", viewer.organizationId())
                .query((rs, row) -> viewer.sees(rs.getString("visibility_option"),
                        rs.getObject("user_id", UUID.class)))
                .optional().orElse(false);
    }

    /** Whether the organization has the audio, whoever may read it. */
    boolean exists(Viewer viewer, UUID id) {
        return byId(viewer.organizationId(), id).isPresent();
    }

    Optional<Audio> find(Viewer viewer, UUID id) {
        return visible(viewer, byId(viewer.organizationId(), id)).map(Stored::audio);
    }

    Optional<StoredFile> file(Viewer viewer, UUID id) {
        return visible(viewer, byId(viewer.organizationId(), id)).map(s -> new StoredFile(
                AudioFormat.ofMediaType(s.audio().contentType()).orElseThrow(), s.audio().size(), s.storageKey(),
                s.audio().fileDeletedAt()));
    }

    /**
     * Removes the audio the viewer sees, with its pipeline steps, then its recording; false when there is
     * none. A step running meanwhile finds its job gone when it comes to write its outcome, and drops it;
     * a note already generated stays (it is the clinical record), naming the audio it came from.
     */
    boolean delete(Viewer viewer, UUID id) {
        if (find(viewer, id).isEmpty()) {
            return false;
        }
        String key = transaction.execute(tx -> {
            // The steps, then the audio: the order a step's outcome locks them in, so the two never deadlock.
            jdbc.sql("SELECT id FROM pipeline_jobs WHERE audio_id = :id FOR UPDATE").param("id", id)
                    .query(UUID.class).list();
            Optional<String> locked = jdbc.sql("""
                            SELECT storage_key FROM audios WHERE id = :id AND organization_id = :org FOR UPDATE""")
                    .param("id", id).param("org", viewer.organizationId()).query(String.class).optional();
            if (locked.isEmpty()) {
                return null; // deleted meanwhile
            }
            jdbc.sql("DELETE FROM pipeline_jobs WHERE audio_id = :id").param("id", id).update();
            jdbc.sql("DELETE FROM audios WHERE id = :id").param("id", id).update();
            return locked.get();
        });
        if (key == null) {
            return false;
        }
        try {
            storage.delete(key);
        } catch (IOException | RuntimeException e) {
            log.warn("The recording of deleted audio {} could not be removed; the storage sweep removes it: {}", id,
                    LoggedErrors.summary(e));
        }
        return true;
    }

    InputStream open(StoredFile file) throws IOException {
        return storage.open(file.storageKey());
    }

    Page<Audio> list(Viewer viewer, AudioFilter filter, int page, int itemsPerPage) {
        return lists.page("SELECT COUNT(*) FROM audios a JOIN patients p ON p.id = a.patient_id", SELECT,
                filter.where(viewer), filter.orderBy(), (rs, row) -> stored(rs, row).audio(), page, itemsPerPage);
    }

    private Optional<Stored> byId(UUID organizationId, UUID id) {
        return jdbc.sql(SELECT + "WHERE a.organization_id = :org AND a.id = :id")
                .param("org", organizationId).param("id", id).query(Audios::stored).optional();
    }

    private static Optional<Stored> visible(Viewer viewer, Optional<Stored> audio) {
        return audio.filter(a -> viewer.sees(a.patientVisibility(), a.patientOwnerId()));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Stored stored(ResultSet rs, int row) throws SQLException {
        long durationMs = rs.getLong("duration_ms");
        Double duration = rs.wasNull() ? null : durationMs / 1000.0;
        Audio audio = new Audio(rs.getObject("id", UUID.class), rs.getString("status"), rs.getString("failure_reason"),
                new Note.PatientSummary(rs.getObject("patient_id", UUID.class), rs.getString("patient_first_name"),
                        rs.getString("patient_last_name")),
                new Note.UserSummary(rs.getObject("user_id", UUID.class), rs.getString("user_first_name"),
                        rs.getString("user_last_name")),
                rs.getString("language_spoken"), rs.getString("note_type"), rs.getString("content_type"),
                rs.getLong("size_bytes"), duration, rs.getString("transcription"), rs.getString("transcript_source"),
                rs.getObject("note_id", UUID.class), instant(rs, "created_at"), instant(rs, "updated_at"),
                instant(rs, "transcribed_at"), instant(rs, "completed_at"), instant(rs, "file_deleted_at"));
        return new Stored(audio, rs.getString("patient_visibility"), rs.getObject("patient_owner", UUID.class),
                rs.getString("storage_key"));
    }
}
