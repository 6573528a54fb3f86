package org.notesync.client;

import java.util.UUID;

/** A clinician as embedded in a note or a patient. */
public record UserSummary(UUID uuid, String firstName, String lastName) {
}
