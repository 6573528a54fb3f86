package org.notesync.client;

/**
 * The authorization server refused a token request with an RFC 6749 error: {@code invalid_client},
 * {@code invalid_grant} (for example a refresh token already used), {@code access_denied},
 * {@code expired_token} (the device code ran out)...
 */
public class OAuthException extends NotesyncException {

    private final int status;
    private final String error;
    private final String description;

    public OAuthException(int status, String error, String description) {
        super("OAuth 2 error " + error + (description == null ? "" : ": " + description)
                + (status == 0 ? "" : " (HTTP " + status + ")"), null);
        this.status = status;
        this.error = error;
        this.description = description;
    }

    /** The token endpoint's HTTP status, or 0 when the SDK refused before asking (an empty {@link TokenStore}). */
    public int status() {
        return status;
    }

    /** The RFC 6749 error code. */
    public String error() {
        return error;
    }

    public String description() {
        return description;
    }
}
