package org.notesync.client;

/** 404: No such resource in the caller's organization (another organization's resource is a 404 too). */
public class NotFoundException extends ApiException {

    public NotFoundException(Problem problem) {
        super(404, problem);
    }
}
