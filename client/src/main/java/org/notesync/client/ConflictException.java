package org.notesync.client;

/** 409: The request conflicts with the resource's current state. */
public class ConflictException extends ApiException {

    public ConflictException(Problem problem) {
        super(409, problem);
    }
}
