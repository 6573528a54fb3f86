package org.notesync.audio;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonFormat;
import jakarta.annotation.Nullable;
import org.notesync.note.Note;

/**
 * An audio consultation as the API shows it. Integrators wait for {@code status} to be {@code completed}
 * before expecting its note ({@code note}), or read {@code failureReason} when it is {@code failed}.
 *
 * @param contentType   the format recognised from the file's bytes
 * @param size          in bytes
 * @param duration      in seconds, once known (from the transcription engine or the WAV header)
 * @param transcriptSource {@code upload} when the transcript came with the upload, else the engine's name
 * @param note          the uuid of the note generated from it, once completed
 * @param fileDeletedAt when the recording was removed at the end of its retention period
 *                      ({@code notesync.audio.retention}); null while it is kept
 */
record Audio(UUID uuid, String status, @Nullable String failureReason, Note.PatientSummary patient,
        Note.UserSummary user, @Nullable String languageSpoken, String noteType, String contentType, long size,
        @Nullable Double duration, @Nullable String transcription, @Nullable String transcriptSource,
        @Nullable UUID note,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC") Instant createdAt,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC") Instant updatedAt,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC")
        @Nullable Instant transcribedAt,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC")
        @Nullable Instant completedAt,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC")
        @Nullable Instant fileDeletedAt) {
}
