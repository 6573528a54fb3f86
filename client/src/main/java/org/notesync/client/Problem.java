package org.notesync.client;

import java.net.URI;
import java.util.List;

/**
 * An RFC 9457 problem document, as the API returns for every error.
 *
 * @param violations for a 422, what is wrong with which property; empty otherwise
 */
public record Problem(URI type, String title, int status, String detail, URI instance, List<Violation> violations) {

    public Problem {
        violations = violations == null ? List.of() : List.copyOf(violations);
    }

    /** One invalid property of a request body: {@code propertyPath} names it, {@code code} classifies it. */
    public record Violation(String propertyPath, String message, String code) {
    }
}
