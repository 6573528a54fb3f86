package org.notesync.client;

import java.util.UUID;

/** {@code /patients}: scope {@code read:patients} to read, {@code write:patients} to write. */
public final class Patients {

    private final Api api;

    Patients(Api api) {
        this.api = api;
    }

    public Pages<Patient> list() {
        return list(PatientQuery.create());
    }

    public Pages<Patient> list(PatientQuery query) {
        return api.list("/patients", query, Patient.class);
    }

    public Patient get(UUID uuid) {
        return api.get("/patients/" + uuid, Patient.class);
    }

    /**
     * Creates a patient, sent with a new random {@code Idempotency-Key}: repeated by the SDK when its answer
     * may have been lost (a broken connection, a 5xx), it is still created once.
     */
    public Patient create(PatientInput patient) {
        return create(patient, UUID.randomUUID().toString());
    }

    /**
     * Creates a patient with the {@code Idempotency-Key} given: created again with the same key within 24 hours,
     * it answers with the patient the first created.
     *
     * @param idempotencyKey 1 to 255 visible ASCII characters without quotes or backslashes, unique per patient
     * @throws ValidationException when the key was used with another request (422)
     */
    public Patient create(PatientInput patient, String idempotencyKey) {
        return api.create("/patients", patient.fields(), idempotencyKey, Patient.class);
    }

    /** Changes the fields set in {@code changes}; a field set to null is cleared (JSON merge patch). */
    public Patient update(UUID uuid, PatientInput changes) {
        return api.patch("/patients/" + uuid, changes.fields(), Patient.class);
    }

    public void delete(UUID uuid) {
        api.delete("/patients/" + uuid);
    }
}
