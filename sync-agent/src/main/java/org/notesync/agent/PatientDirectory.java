package org.notesync.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

    /** A patient without an externalId yet is asked about again after this, to pick up one set later. */
    static final Duration RECHECK_MISSING = Duration.ofMinutes(5);

    private record Entry(Optional<String> externalId, Instant at) {
    }

    private final Patients patients;
    private final Clock clock;
    private final Map<UUID, Entry> known = new ConcurrentHashMap<>();

    PatientDirectory(Patients patients, Clock clock) {
        this.patients = patients;
        this.clock = clock;
    }

    /** The externalId, empty when the patient has none or is no longer visible; throws when the API fails. */
    Optional<String> externalId(UUID patient) {
        if (patient == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Entry cached = known.get(patient);
        if (cached != null && (cached.externalId().isPresent() || cached.at().plus(RECHECK_MISSING).isAfter(now))) {
            return cached.externalId();
        }
        Optional<String> found;
        try {
            Patient p = patients.get(patient);
            found = Optional.ofNullable(p.externalId());
        } catch (NotFoundException gone) {
            found = Optional.empty();
        }
        if (known.size() > 100_000) {
            known.clear();   // bounded; the next notes ask again
        }
        known.put(patient, new Entry(found, now));
        return found;
    }
}
