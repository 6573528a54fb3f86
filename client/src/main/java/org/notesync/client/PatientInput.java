package org.notesync.client;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * A patient to create, or the changes to make to one. Creating requires {@code firstName} and
 * {@code lastName} to be given (null is allowed); an update sends only the fields set here.
 */
public final class PatientInput extends Input<PatientInput> {

    private PatientInput() {
    }

    public static PatientInput create() {
        return new PatientInput();
    }

    public PatientInput firstName(String firstName) {
        return put("firstName", firstName);
    }

    public PatientInput lastName(String lastName) {
        return put("lastName", lastName);
    }

    public PatientInput languageSpoken(String language) {
        return put("languageSpoken", language);
    }

    public PatientInput dateOfBirth(LocalDate date) {
        return put("dateOfBirth", date == null ? null : date.toString());
    }

    /** female, male, unknown, or null. */
    public PatientInput gender(String gender) {
        return put("gender", gender);
    }

    /** shared, private (needs an owning clinician), or null. */
    public PatientInput visibilityOption(String visibility) {
        return put("visibilityOption", visibility);
    }

    /** Your system's id for the patient, to find it again with {@link PatientQuery#externalId(String...)}. */
    public PatientInput externalId(String externalId) {
        return put("externalId", externalId);
    }

    public PatientInput externalCreatedAt(Instant instant) {
        return put("externalCreatedAt", instant == null ? null : Dates.format(instant));
    }

    public PatientInput email(String email) {
        return put("email", email);
    }

    public PatientInput phone(String phone) {
        return put("phone", phone);
    }

    public PatientInput anonymousCode(String code) {
        return put("anonymousCode", code);
    }

    /** When your system last synchronized this patient. */
    public PatientInput synchronizedAt(Instant instant) {
        return put("synchronizedAt", instant == null ? null : Dates.format(instant));
    }

    /** The owning clinician. */
    public PatientInput user(UUID clinician) {
        return put("user", clinician == null ? null : clinician.toString());
    }
}
