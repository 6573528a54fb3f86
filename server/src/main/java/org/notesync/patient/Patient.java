package org.notesync.patient;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;

/** A patient as the API shows it. Dates are written like a note's: ISO 8601 with offset. */
record Patient(UUID uuid, @Nullable String firstName, @Nullable String lastName, @Nullable String languageSpoken,
        @Nullable LocalDate dateOfBirth, @Nullable String gender, @Nullable String visibilityOption,
        @Nullable String externalId,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC")
        @Nullable Instant externalCreatedAt,
        @Nullable String email, @Nullable String phone, @Nullable String anonymousCode,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC") Instant createdAt,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC") Instant updatedAt,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC")
        @Nullable Instant synchronizedAt,
        @Schema(types = {"object", "null"}) Owner user) {

    /** The clinician who owns the patient; null for a patient created by an integration without one. */
    record Owner(UUID uuid, String firstName, String lastName) {
    }
}
