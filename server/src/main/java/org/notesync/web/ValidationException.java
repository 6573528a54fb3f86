package org.notesync.web;

import java.util.List;

/** A request body that parsed but does not describe a valid resource: answered with 422. */
public class ValidationException extends RuntimeException {

    private final List<Violation> violations;

    public ValidationException(List<Violation> violations) {
        super(violations.size() + " violation(s)");
        this.violations = List.copyOf(violations);
    }

    public static ValidationException of(String propertyPath, String message, String code) {
        return new ValidationException(List.of(new Violation(propertyPath, message, code)));
    }

    public List<Violation> violations() {
        return violations;
    }
}
