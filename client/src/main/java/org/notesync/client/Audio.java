package org.notesync.client;

import java.time.Instant;
import java.util.UUID;

/**
 * A recorded consultation that a note is generated from. Wait for {@code status} {@code completed}
 * before expecting its {@link #note()}; read {@link #failureReason()} when it is {@code failed}.
 *
 * @param size             in bytes
 * @param duration         in seconds, once known
 * @param transcriptSource {@code upload} when the transcript came with the upload, else the engine's name
 * @param note             the uuid of the note generated from it, once completed
 * @param fileDeletedAt    when the recording was removed at the end of the server's retention period; null
 *                         while it is kept (the audio, its transcription and its note stay)
 */
public record Audio(UUID uuid, String status, String failureReason, PatientSummary patient, UserSummary user,
        String languageSpoken, String noteType, String contentType, Long size, Double duration,
        String transcription, String transcriptSource, UUID note, Instant createdAt, Instant updatedAt,
        Instant transcribedAt, Instant completedAt, Instant fileDeletedAt) {

    @Override
    public String toString() {
        // Never the transcription: it is the consultation itself.
        return "Audio[uuid=" + uuid + ", status=" + status + ", note=" + note + "]";
    }
}
