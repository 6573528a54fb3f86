package org.notesync.client;

/**
 * A webhook request that must not be trusted. Answer it with a 4xx ({@link #status()}) and do not
 * process it. The message never contains the body.
 */
public class WebhookVerificationException extends NotesyncException {

    /** What was wrong. */
    public enum Reason {
        MISSING_HEADER(400), INVALID_TIMESTAMP(400), TIMESTAMP_TOO_OLD(401), TIMESTAMP_TOO_NEW(401),
        NO_MATCHING_SIGNATURE(401), INVALID_PAYLOAD(400);

        private final int status;

        Reason(int status) {
            this.status = status;
        }
    }

    private final Reason reason;

    public WebhookVerificationException(Reason reason, String message) {
        super(message, null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The status to answer with: 400 for a malformed request, 401 for one that fails authentication. */
    public int status() {
        return reason.status;
    }
}
