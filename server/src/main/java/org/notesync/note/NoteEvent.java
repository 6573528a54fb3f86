package org.notesync.note;

import java.util.UUID;

/**
 * Published (Spring application event) inside the transaction that creates or changes a note, so a
 * listener can write its own rows in the same transaction: the webhook outbox does, and so a note
 * never commits without its event, nor an event without its note.
 *
 * @param organizationId    the note's organization
 * @param patientVisibility the patient's {@code visibilityOption} at the time (shared, private or null)
 * @param patientOwnerId    the clinician who owns the patient (sees it even when private)
 * @param numbered          whether the change already has its change-feed number, taken in this same
 *                          transaction (the API's creates); otherwise the feed numbers it after the commit
 */
public record NoteEvent(Action action, Note note, UUID organizationId, String patientVisibility, UUID patientOwnerId,
        boolean numbered) {

    /** A change the feed numbers after its commit. */
    public NoteEvent(Action action, Note note, UUID organizationId, String patientVisibility, UUID patientOwnerId) {
        this(action, note, organizationId, patientVisibility, patientOwnerId, false);
    }

    public enum Action {
        /** A new note: the guide's {@code new_note}. */
        CREATED,
        /** Its content or type changed: {@code updated_note}. */
        UPDATED
    }
}
