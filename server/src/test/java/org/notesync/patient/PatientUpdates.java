package org.notesync.patient;

import java.util.UUID;

import org.notesync.identity.Viewer;
import org.springframework.context.ApplicationContext;

/** The patient service's update for tests of other modules that must hold its transaction open. */
public final class PatientUpdates {

    private PatientUpdates() {
    }

    /** Gives the patient to another clinician, joining the caller's transaction; false when not seen. */
    public static boolean handTo(ApplicationContext context, Viewer viewer, UUID patient, UUID clinician) {
        return context.getBean(Patients.class).update(viewer, patient, fields -> fields.withOwner(clinician))
                .isPresent();
    }

    /**
     * Locks the patient as a change of it does (its row and its change's advisory lock), in the caller's
     * transaction, as an organization's member who sees it; false when not seen.
     */
    public static boolean lockForChange(ApplicationContext context, UUID organization, UUID patient) {
        return context.getBean(Patients.class).locked(new Viewer(organization, null, "test", java.util.Set.of()),
                patient).isPresent();
    }
}
