package org.notesync.client;

/**
 * Every failure the SDK raises. {@link ApiException} when the API answered with an error,
 * {@link TransportException} when no usable answer came back, {@link OAuthException} when the
 * authorization server refused a token request.
 */
public abstract class NotesyncException extends RuntimeException {

    protected NotesyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
