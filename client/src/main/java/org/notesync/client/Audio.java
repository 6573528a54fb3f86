package org.notesync.client;

import java.time.Instant;
import java.util.UUID;

/** A recorded consultation that notes are generated from. */
public record Audio(UUID uuid, PatientSummary patient, UserSummary user, String languageSpoken, String status,
        Instant createdAt, Instant updatedAt) {
}
