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

    public Patient create(PatientInput patient) {
        return api.post("/patients", patient.fields(), Patient.class);
    }

    /** Changes the fields set in {@code changes}; a field set to null is cleared (JSON merge patch). */
    public Patient update(UUID uuid, PatientInput changes) {
        return api.patch("/patients/" + uuid, changes.fields(), Patient.class);
    }

    public void delete(UUID uuid) {
        api.delete("/patients/" + uuid);
    }
}
