package org.notesync.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * Reads the fields of a JSON request body one by one, collecting every violation instead of stopping
 * at the first. Distinguishes an absent field from an explicit null, which PATCH needs. Messages
 * never repeat the submitted value.
 */
public final class JsonFields {

    private final JsonNode body;
    private final List<Violation> violations = new ArrayList<>();

    private JsonFields(JsonNode body) {
        this.body = body;
    }

    public static JsonFields of(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "Bad Request", "The request body must be a JSON object.");
        }
        return new JsonFields(body);
    }

    public boolean has(String name) {
        return body.has(name);
    }

    /** A string that may be absent or null; empty when absent or null. */
    public Optional<String> string(String name, int maxLength) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isString()) {
            violations.add(new Violation(name, "This value should be of type string.", Violation.INVALID_TYPE));
            return Optional.empty();
        }
        String value = node.stringValue();
        if (value.indexOf('\u0000') >= 0) {
            // PostgreSQL cannot store a NUL character in text: refuse it here rather than fail on insert.
            violations.add(new Violation(name, "This value contains a NUL character, which is not allowed.",
                    Violation.INVALID_FORMAT));
            return Optional.empty();
        }
        if (value.length() > maxLength) {
            violations.add(new Violation(name, "This value is too long. It should have " + maxLength
                    + " characters or less.", Violation.TOO_LONG));
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /** A string that must be present, not null and not blank. */
    public String requiredString(String name, int maxLength) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            violations.add(new Violation(name, "This value should not be blank.", Violation.NOT_BLANK));
            return null;
        }
        String value = string(name, maxLength).orElse(null);
        if (value != null && value.isBlank()) {
            violations.add(new Violation(name, "This value should not be blank.", Violation.NOT_BLANK));
            return null;
        }
        return value;
    }

    /** A string from a closed set of values. */
    public Optional<String> choice(String name, Collection<String> allowed) {
        Optional<String> value = string(name, 200);
        if (value.isPresent() && !allowed.contains(value.get())) {
            violations.add(new Violation(name, "The value you selected is not a valid choice. Allowed: "
                    + String.join(", ", allowed) + ".", Violation.INVALID_CHOICE));
            return Optional.empty();
        }
        return value;
    }

    /**
     * A reference to another resource: a bare uuid or an IRI ending in one ({@code /patients/<uuid>}),
     * as API Platform clients send both. Empty when absent or null.
     */
    public Optional<UUID> reference(String name) {
        return parsed(name, "a UUID or an IRI ending in one", JsonFields::referenced);
    }

    /**
     * The reference if it is present and well-formed, recording nothing otherwise: for reading ahead of
     * the checks, which {@link #reference} or {@link #requiredReference} then make.
     */
    public Optional<UUID> wellFormedReference(String name) {
        JsonNode node = body.get(name);
        if (node == null || !node.isString()) {
            return Optional.empty();
        }
        try {
            return Optional.of(referenced(node.stringValue()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static UUID referenced(String uuidOrIri) {
        return UUID.fromString(uuidOrIri.substring(uuidOrIri.lastIndexOf('/') + 1));
    }

    /** A reference that must be present and not null. */
    public UUID requiredReference(String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            violations.add(new Violation(name, "This value should not be null.", Violation.NOT_NULL));
            return null;
        }
        return reference(name).orElse(null);
    }

    /**
     * A field the resource requires even though it may be null (API Platform's "required, nullable"):
     * its absence is a violation, an explicit null is not.
     */
    public void requirePresent(String name) {
        if (!body.has(name)) {
            violations.add(new Violation(name, "This field is missing.", Violation.MISSING_FIELD));
        }
    }

    public Optional<UUID> uuid(String name) {
        return parsed(name, "a UUID", UUID::fromString);
    }

    public Optional<LocalDate> date(String name) {
        return parsed(name, "a date (YYYY-MM-DD)", Dates::parseDate);
    }

    public Optional<Instant> instant(String name) {
        return parsed(name, "a date-time with offset (ISO 8601)", Dates::parseInstant);
    }

    public Optional<Boolean> bool(String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            violations.add(new Violation(name, "This value should be of type boolean.", Violation.INVALID_TYPE));
            return Optional.empty();
        }
        return Optional.of(node.booleanValue());
    }

    /** A list of strings; empty when absent or null. */
    public List<String> strings(String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            violations.add(new Violation(name, "This value should be of type array.", Violation.INVALID_TYPE));
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isString()) {
                violations.add(new Violation(name + "[" + i + "]", "This value should be of type string.",
                        Violation.INVALID_TYPE));
            } else if (item.stringValue().indexOf('\u0000') >= 0) {
                violations.add(new Violation(name + "[" + i + "]",
                        "This value contains a NUL character, which is not allowed.", Violation.INVALID_FORMAT));
            } else {
                values.add(item.stringValue());
            }
        }
        return values;
    }

    /** Records a violation found by the caller, such as a reference to a resource that does not exist. */
    public void reject(String name, String message, String code) {
        violations.add(new Violation(name, message, code));
    }

    /** Throws a 422 with every violation collected so far, if any. */
    public void validate() {
        if (!violations.isEmpty()) {
            throw new ValidationException(violations);
        }
    }

    private <T> Optional<T> parsed(String name, String what, Function<String, T> parser) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isString()) {
            violations.add(new Violation(name, "This value should be of type string.", Violation.INVALID_TYPE));
            return Optional.empty();
        }
        try {
            return Optional.of(parser.apply(node.stringValue()));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            violations.add(new Violation(name, "This value is not " + what + ".", Violation.INVALID_FORMAT));
            return Optional.empty();
        }
    }
}
