package org.notesync.client;

/** 401: The access token is missing, invalid or expired, and a fresh one did not help. */
public class UnauthorizedException extends ApiException {

    public UnauthorizedException(Problem problem) {
        super(401, problem);
    }
}
