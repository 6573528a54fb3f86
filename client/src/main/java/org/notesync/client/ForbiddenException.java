package org.notesync.client;

/** 403: The access token lacks the scope the endpoint requires. */
public class ForbiddenException extends ApiException {

    public ForbiddenException(Problem problem) {
        super(403, problem);
    }
}
