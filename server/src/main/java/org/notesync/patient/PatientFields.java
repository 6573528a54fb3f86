package org.notesync.patient;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.notesync.web.EmailAddresses;
import org.notesync.web.JsonFields;
import org.notesync.web.Violation;

/**
 * What a client may write on a patient. {@code synchronizedAt} is writable: the practice system
 * records there when it last synchronized the patient with its own records.
 *
 * @param ownerId the clinician who owns the patient ({@code user} in the API)
 */
record PatientFields(String firstName, String lastName, String languageSpoken, LocalDate dateOfBirth,
        String gender, String visibilityOption, String externalId, Instant externalCreatedAt, String email,
        String phone, String anonymousCode, Instant synchronizedAt, UUID ownerId) {

    static final List<String> GENDERS = List.of("female", "male", "unknown");
    static final List<String> VISIBILITIES = List.of("shared", "private");
    static final String PRIVATE = "private";
    static final PatientFields NONE = new PatientFields(null, null, null, null, null, null, null, null, null, null,
            null, null, null);

    /**
     * The fields of {@code base} with those present in the body replaced (an explicit null clears a field),
     * the owner left as it is. Violations are collected in {@code body}; {@code today} is UTC's.
     */
    static PatientFields merge(JsonFields body, PatientFields base, LocalDate today) {
        String email = body.has("email") ? body.string("email", 320).orElse(null) : base.email();
        if (body.has("email") && email != null && !EmailAddresses.isValid(email)) {
            body.reject("email", "This value is not a valid email address.", Violation.INVALID_FORMAT);
        }
        LocalDate dateOfBirth = body.has("dateOfBirth") ? body.date("dateOfBirth").orElse(null) : base.dateOfBirth();
        // Today in UTC, plus the day by which the easternmost time zones run ahead of it.
        if (body.has("dateOfBirth") && dateOfBirth != null && dateOfBirth.isAfter(today.plusDays(1))) {
            body.reject("dateOfBirth", "A date of birth cannot be in the future.", Violation.TOO_HIGH);
        }
        return new PatientFields(
                body.has("firstName") ? body.string("firstName", 200).orElse(null) : base.firstName(),
                body.has("lastName") ? body.string("lastName", 200).orElse(null) : base.lastName(),
                body.has("languageSpoken") ? body.string("languageSpoken", 35).orElse(null) : base.languageSpoken(),
                dateOfBirth,
                body.has("gender") ? body.choice("gender", GENDERS).orElse(null) : base.gender(),
                body.has("visibilityOption") ? body.choice("visibilityOption", VISIBILITIES).orElse(null)
                        : base.visibilityOption(),
                body.has("externalId") ? body.string("externalId", 200).orElse(null) : base.externalId(),
                body.has("externalCreatedAt") ? body.instant("externalCreatedAt").orElse(null)
                        : base.externalCreatedAt(),
                email,
                body.has("phone") ? body.string("phone", 50).orElse(null) : base.phone(),
                body.has("anonymousCode") ? body.string("anonymousCode", 100).orElse(null) : base.anonymousCode(),
                body.has("synchronizedAt") ? body.instant("synchronizedAt").orElse(null) : base.synchronizedAt(),
                base.ownerId());
    }

    PatientFields withOwner(UUID owner) {
        return new PatientFields(firstName, lastName, languageSpoken, dateOfBirth, gender, visibilityOption,
                externalId, externalCreatedAt, email, phone, anonymousCode, synchronizedAt, owner);
    }

    boolean isPrivate() {
        return PRIVATE.equals(visibilityOption);
    }
}
