package org.notesync.client;

import java.time.Instant;
import java.util.UUID;

/**
 * A clinical note, from {@code GET /notes} or a webhook. The pair ({@link #uuid()}, {@link #updatedAt()})
 * identifies one version: a webhook retry and a poll of the same version carry the same pair.
 *
 * @param audio the uuid of the audio it was generated from, or null
 * @param user  the clinician; from a webhook ({@link WebhookEvent#note()}) its uuid only, without names
 */
public record Note(UUID uuid, String type, String content, Instant createdAt, Instant updatedAt,
        PatientSummary patient, UUID audio, UserSummary user) {

    @Override
    public String toString() {
        // Never the content or the patient's name: a note may end up in a log line.
        return "Note[uuid=" + uuid + ", type=" + type + ", updatedAt=" + updatedAt + "]";
    }
}
