package org.notesync.client;

/** 5xx. Idempotent requests have been retried before this is thrown; a POST may or may not have taken effect. */
public class ServerErrorException extends ApiException {

    public ServerErrorException(int status, Problem problem) {
        super(status, problem);
    }
}
