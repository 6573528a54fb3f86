package org.notesync.webhook;

import java.util.UUID;

import org.notesync.patient.PatientAccessChanged;
import org.notesync.patient.PatientAccessChanged.Access;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * A patient shared again, or given to another clinician: the webhooks that may now receive its notes and could
 * not before are sent the note events they are missing ({@link MissingEvents}), in the transaction of the
 * change, so that a note kept from a webhook while its patient was private is not lost to it. Which webhooks
 * receive a patient's notes is {@link WebhookOutbox}'s rule: every one of the organization's for a shared
 * patient, its owner's for a private one.
 */
@Component
class NewlyVisibleNotes {

    private final Webhooks webhooks;
    private final MissingEvents missing;

    NewlyVisibleNotes(Webhooks webhooks, MissingEvents missing) {
        this.webhooks = webhooks;
        this.missing = missing;
    }

    @EventListener
    void on(PatientAccessChanged change) {
        if (!change.after().isPrivate() && !change.before().isPrivate()) {
            return; // shared before and after: every webhook had its notes
        }
        for (Webhooks.Webhook webhook : webhooks.active(change.organizationId())) {
            if (receives(webhook, change.after()) && !receives(webhook, change.before())) {
                missing.replayOfPatient(webhook, change.patientId());
            }
        }
    }

    /** Whether the webhook is sent the notes of a patient with this access (WebhookOutbox's rule). */
    static boolean receives(Webhooks.Webhook webhook, Access access) {
        if (!access.isPrivate()) {
            return true;
        }
        UUID owner = access.ownerId();
        return owner != null && owner.equals(webhook.ownerUserId());
    }
}
