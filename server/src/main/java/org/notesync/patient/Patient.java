package org.notesync.patient;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonFormat;

/** A patient as the API shows it. Dates are written like a note's: ISO 8601 with offset. */
record Patient(UUID uuid, String firstName, String lastName, String languageSpoken, LocalDate dateOfBirth,
        String gender, String visibilityOption, String externalId,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC") Instant externalCreatedAt,
        String email, String phone, String anonymousCode,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC") Instant createdAt,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC") Instant updatedAt,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ssxxx", timezone = "UTC") Instant synchronizedAt,
        Owner user) {

    /** The clinician who owns the patient; null for a patient created by an integration without one. */
    record Owner(UUID uuid, String firstName, String lastName) {
    }
}
