package org.notesync.note;

import java.util.UUID;

/**
 * A note to write, from the API or from the audio pipeline. The patient and the clinician must belong
 * to the organization; the patient must not be deleted.
 *
 * @param audioId the audio the note was generated from, or null
 */
public record NewNote(UUID organizationId, UUID patientId, UUID userId, UUID audioId, String type, String content) {
}
