package org.notesync.note;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonFormat;
import jakarta.annotation.Nullable;

/**
 * A clinical note as the API and the webhooks show it. Dates are written as ISO 8601 with offset.
 *
 * @param audio the uuid of the audio the note was generated from, or null
 */
public record Note(UUID uuid, String type, String content,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC") Instant createdAt,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC") Instant updatedAt,
        PatientSummary patient, @Nullable UUID audio, UserSummary user) {

    public record PatientSummary(UUID uuid, @Nullable String firstName, @Nullable String lastName) {
    }

    public record UserSummary(UUID uuid, String firstName, String lastName) {
    }
}
