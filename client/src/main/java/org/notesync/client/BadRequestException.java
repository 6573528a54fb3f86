package org.notesync.client;

/** 400: A malformed request: an unknown filter, an unreadable date, a body that is not JSON. */
public class BadRequestException extends ApiException {

    public BadRequestException(Problem problem) {
        super(400, problem);
    }
}
