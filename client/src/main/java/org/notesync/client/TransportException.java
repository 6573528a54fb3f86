package org.notesync.client;

/**
 * The request could not be completed: connection refused or reset, timeout, interrupted, or a
 * response the SDK could not read. Idempotent requests have already been retried when this is thrown.
 */
public class TransportException extends NotesyncException {

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
