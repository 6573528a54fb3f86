package org.notesync.client;

import java.util.UUID;

/** The patient a note belongs to, as embedded in the note. */
public record PatientSummary(UUID uuid, String firstName, String lastName) {
}
