package org.notesync.client;

import java.util.List;

/** 422: the request body is well-formed but invalid; {@link #violations()} says where. */
public class ValidationException extends ApiException {

    public ValidationException(Problem problem) {
        super(422, problem);
    }

    public List<Problem.Violation> violations() {
        return problem().violations();
    }
}
