package org.notesync.audio;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import org.notesync.web.Dates;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The audio side of the pipeline: what an audio holds, its bytes, and the status changes each step
 * makes. A final audio (completed or failed) never changes again. The caller holds the transaction:
 * the pipeline writes a step's outcome and its job's together.
 */
@Repository
public class AudioProgress {

    /** Longest failure reason kept; reasons are written by the pipeline and never carry patient data. */
    public static final int MAX_REASON = 500;

    private static final String NOT_FINAL = " AND status NOT IN ('completed', 'failed')";

    private final JdbcClient jdbc;
    private final AudioStorage storage;
    private final Clock clock;

    AudioProgress(JdbcClient jdbc, AudioStorage storage, Clock clock) {
        this.jdbc = jdbc;
        this.storage = storage;
        this.clock = clock;
    }

    public Optional<PendingAudio> find(UUID audioId) {
        return jdbc.sql("""
                        SELECT id, organization_id, patient_id, user_id, status, note_type, language_spoken,
                               content_type, size_bytes, storage_key, transcription, duration_ms
                        FROM audios WHERE id = :id""")
                .param("id", audioId)
                .query((rs, row) -> {
                    long ms = rs.getLong("duration_ms");
                    Duration duration = rs.wasNull() ? null : Duration.ofMillis(ms);
                    return new PendingAudio(rs.getObject("id", UUID.class), rs.getObject("organization_id", UUID.class),
                            rs.getObject("patient_id", UUID.class), rs.getObject("user_id", UUID.class),
                            AudioStatus.ofWireName(rs.getString("status")), rs.getString("note_type"),
                            rs.getString("language_spoken"),
                            AudioFormat.ofMediaType(rs.getString("content_type")).orElseThrow(),
                            rs.getLong("size_bytes"), rs.getString("storage_key"), rs.getString("transcription"),
                            duration);
                })
                .optional();
    }

    public InputStream open(PendingAudio audio) throws IOException {
        return storage.open(audio.storageKey());
    }

    /** A step starts ({@code transcribing} or {@code generating}); false when the audio is already final. */
    public boolean begin(UUID audioId, AudioStatus status) {
        return jdbc.sql("UPDATE audios SET status = :status, updated_at = :now WHERE id = :id" + NOT_FINAL)
                .param("status", status.wireName()).param("now", now()).param("id", audioId).update() == 1;
    }

    /** The transcript is known; {@code source} is {@code upload} or the engine's name. */
    public boolean transcribed(UUID audioId, String transcription, Duration duration, String source) {
        OffsetDateTime now = now();
        return jdbc.sql("""
                        UPDATE audios SET status = :status, transcription = :text, transcription_search = :search,
                               duration_ms = COALESCE(:duration, duration_ms), transcript_source = :source,
                               transcribed_at = :now, updated_at = :now
                        WHERE id = :id""" + NOT_FINAL)
                .param("status", AudioStatus.TRANSCRIBED.wireName()).param("text", transcription)
                .param("search", SearchText.normalize(transcription))
                .param("duration", duration == null ? null : duration.toMillis(), java.sql.Types.BIGINT)
                .param("source", truncate(source, 200)).param("now", now).param("id", audioId).update() == 1;
    }

    public boolean completed(UUID audioId, UUID noteId) {
        OffsetDateTime now = now();
        return jdbc.sql("""
                        UPDATE audios SET status = :status, note_id = :note, failure_reason = NULL,
                               completed_at = :now, updated_at = :now
                        WHERE id = :id""" + NOT_FINAL)
                .param("status", AudioStatus.COMPLETED.wireName()).param("note", noteId).param("now", now)
                .param("id", audioId).update() == 1;
    }

    public boolean failed(UUID audioId, String reason) {
        OffsetDateTime now = now();
        return jdbc.sql("""
                        UPDATE audios SET status = :status, failure_reason = :reason, completed_at = :now,
                               updated_at = :now
                        WHERE id = :id""" + NOT_FINAL)
                .param("status", AudioStatus.FAILED.wireName()).param("reason", truncate(reason, MAX_REASON))
                .param("now", now).param("id", audioId).update() == 1;
    }

    private OffsetDateTime now() {
        return Dates.now(clock).atOffset(ZoneOffset.UTC);
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
