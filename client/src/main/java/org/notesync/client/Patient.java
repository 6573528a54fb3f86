package org.notesync.client;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * A patient.
 *
 * @param gender           female, male, unknown or null
 * @param visibilityOption shared, private or null; a private patient is seen only by its clinician
 * @param externalId       your system's id for the patient
 * @param user             the clinician who owns the patient, or null
 */
public record Patient(UUID uuid, String firstName, String lastName, String languageSpoken, LocalDate dateOfBirth,
        String gender, String visibilityOption, String externalId, Instant externalCreatedAt, String email,
        String phone, String anonymousCode, Instant createdAt, Instant updatedAt, Instant synchronizedAt,
        UserSummary user) {

    @Override
    public String toString() {
        return "Patient[uuid=" + uuid + ", externalId=" + externalId + "]";
    }
}
