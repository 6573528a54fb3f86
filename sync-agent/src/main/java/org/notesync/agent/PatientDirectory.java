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
 * agent asks the API about a patient (scope {@code read:patients}) and remembers the answer for a while.
 */
final class PatientDirectory {

    /**
     * How long an answer is remembered: an externalId set or changed later is picked up by the notes imported
     * after this (a known one was remembered for as long as the agent ran, and a changed one never seen).
     */
    static final Duration RECHECK = Duration.ofMinutes(5);

    private record Entry(Optional<String> externalId, Instant at) {
    }

    private final Patients patients;
    private final Clock clock;
    private final Map<UUID, Entry> known = new ConcurrentHashMap<>();

    PatientDirectory(Patients patients, Clock clock) {
        this.patients = patients;
        this.clock = clock;
    }

    Optional<String> externalId(UUID patient) {
        return externalId(patient, null);
    }

    /**
     * The externalId, empty when the patient has none, or is no longer visible and was never seen with one;
     * throws when the API fails. A patient deleted (or made private) since keeps the id last seen: in this
     * process, or else {@code lastStored}, the id the agent's row already has for it (a restart forgets the rest).
     */
    Optional<String> externalId(UUID patient, String lastStored) {
        if (patient == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Entry cached = known.get(patient);
        if (cached != null && cached.at().plus(RECHECK).isAfter(now)) {
            return cached.externalId();
        }
        Optional<String> found;
        try {
            Patient p = patients.get(patient);
            found = Optional.ofNullable(p.externalId());
        } catch (NotFoundException gone) {
            found = cached != null ? cached.externalId() : Optional.ofNullable(lastStored);
        }
        if (known.size() > 100_000) {
            known.clear();   // bounded; the next notes ask again
        }
        known.put(patient, new Entry(found, now));
        return found;
    }
}
