package org.notesync.patient;

import java.util.UUID;

/**
 * Who may read a patient's notes changed: its visibility, or the clinician who owns it. Published inside the
 * transaction that changes it, so that what follows from it (notes sent to webhooks that may now receive
 * them) commits with it.
 */
public record PatientAccessChanged(UUID organizationId, UUID patientId, Access before, Access after) {

    /**
     * @param visibility {@code shared} or {@code private} (null is shared)
     * @param ownerId    the clinician who owns the patient, or null
     */
    public record Access(String visibility, UUID ownerId) {

        public boolean isPrivate() {
            return PatientFields.PRIVATE.equals(visibility);
        }
    }
}
