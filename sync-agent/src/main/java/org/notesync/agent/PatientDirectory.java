package org.notesync.agent;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.notesync.client.NotFoundException;
import org.notesync.client.Patient;
import org.notesync.client.Patients;

/**
 * Maps a note's patient to the practice system's own id: the {@code externalId} the practice system set
 * when it created the patient in notesync. A webhook carries only the patient's uuid and name, so the
 * agent asks the API once per patient (scope {@code read:patients}) and remembers the answer.
 */
final class PatientDirectory {

    private final Patients patients;
    private final Map<UUID, Optional<String>> known = new ConcurrentHashMap<>();

    PatientDirectory(Patients patients) {
        this.patients = patients;
    }

    /** The externalId, empty when the patient has none or is no longer visible; throws when the API fails. */
    Optional<String> externalId(UUID patient) {
        if (patient == null) {
            return Optional.empty();
        }
        Optional<String> cached = known.get(patient);
        if (cached != null) {
            return cached;
        }
        Optional<String> found;
        try {
            Patient p = patients.get(patient);
            found = Optional.ofNullable(p.externalId());
        } catch (NotFoundException gone) {
            found = Optional.empty();
        }
        // Only a found externalId is kept: one set later is picked up by the next note of that patient.
        if (found.isPresent()) {
            known.put(patient, found);
        }
        return found;
    }
}
