package org.notesync.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
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

    /** The most items a list of strings in a body may have. */
    public static final int MAX_ITEMS = 100;

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

    /** Whether a violation already names this property or one of its items ({@code events[0]}). */
    public boolean rejected(String name) {
        return violations.stream().anyMatch(v -> v.propertyPath().equals(name)
                || v.propertyPath().startsWith(name + "["));
    }

    public boolean has(String name) {
        return body.has(name);
    }

    /**
     * A one-line string that may be absent or null; empty when absent or null. Control characters (line
     * breaks among them) are refused: they have no place in a name, a code or an address and would
     * break the lines of the practice software that shows them.
     */
    public Optional<String> string(String name, int maxLength) {
        return string(name, maxLength, false);
    }

    /** Free text that may be absent or null: like {@link #string} but keeping control characters. */
    public Optional<String> text(String name, int maxLength) {
        return string(name, maxLength, true);
    }

    /** Free text that must be present, not null and not blank. */
    public String requiredText(String name, int maxLength) {
        return required(name, text(name, maxLength));
    }

    private Optional<String> string(String name, int maxLength, boolean lines) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull() || rejected(name)) {
            return Optional.empty();
        }
        if (!node.isString()) {
            violations.add(new Violation(name, "This value should be of type string.", Violation.INVALID_TYPE));
            return Optional.empty();
        }
        String value = node.stringValue();
        String refusal = refusal(value, lines);
        if (refusal != null) {
            violations.add(new Violation(name, refusal, Violation.INVALID_FORMAT));
            return Optional.empty();
        }
        if (value.length() > maxLength) {
            violations.add(new Violation(name, "This value is too long. It should have " + maxLength
                    + " characters or less.", Violation.TOO_LONG));
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /** A one-line string ({@link #string}) that must be present, not null and not blank. */
    public String requiredString(String name, int maxLength) {
        return required(name, string(name, maxLength));
    }

    private String required(String name, Optional<String> read) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            violations.add(new Violation(name, "This value should not be blank.", Violation.NOT_BLANK));
            return null;
        }
        String value = read.orElse(null);
        if (value != null && value.isBlank()) {
            violations.add(new Violation(name, "This value should not be blank.", Violation.NOT_BLANK));
            return null;
        }
        return value;
    }

    /** A string from a closed set of values. */
    public Optional<String> choice(String name, Collection<String> allowed) {
        // No length of its own: a long value is not a valid choice, and "too long, 200 at most" named a limit
        // the field does not have (the body's size bounds it).
        Optional<String> value = string(name, Integer.MAX_VALUE);
        if (value.isPresent() && !allowed.contains(value.get())) {
            violations.add(new Violation(name, "The value you selected is not a valid choice. Allowed: "
                    + String.join(", ", allowed) + ".", Violation.INVALID_CHOICE));
            return Optional.empty();
        }
        return value;
    }

    /**
     * A reference to another resource: a bare uuid or its IRI ({@code /patients/<uuid>}), as API Platform
     * clients send both; an IRI of another collection is refused. Empty when absent or null.
     */
    public Optional<UUID> reference(String name) {
        String collection = collection(name);
        return parsed(name, "a UUID or the IRI of one of " + collection + " (" + collection + "/<uuid>)",
                value -> referenced(collection, value));
    }

    /** The collection a reference property names a member of: {@code patient} is one of /patients. */
    private static String collection(String name) {
        return switch (name) {
            case "patient", "user", "audio" -> "/" + name + "s";
            default -> throw new IllegalStateException("No collection for a reference named " + name);
        };
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
            return Optional.of(referenced(collection(name), node.stringValue()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * A bare uuid, or an IRI whose path ends in {@code <collection>/<uuid>}: relative as the API writes
     * them, or absolute (any host, since a proxy may serve the API under another name and prefix).
     */
    static UUID referenced(String collection, String uuidOrIri) {
        int slash = uuidOrIri.lastIndexOf('/');
        if (slash >= 0) {
            String prefix = uuidOrIri.substring(0, slash);
            boolean path = prefix.startsWith("/") || prefix.startsWith("http://") || prefix.startsWith("https://");
            if (!path || !prefix.endsWith(collection) || prefix.contains("?") || prefix.contains("#")) {
                throw new IllegalArgumentException("not an IRI of " + collection);
            }
        }
        return Uuids.parse(uuidOrIri.substring(slash + 1));
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
        // Stored with microseconds: the rest is dropped here, where the database would round it (.9999999 up
        // to the next second). Query filters keep their precision.
        return parsed(name, "an ISO 8601 date-time (UTC when it has no offset) or date",
                text -> Dates.parseInstant(text).truncatedTo(ChronoUnit.MICROS));
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

    /** A list of strings, {@link #MAX_ITEMS} at most; empty when absent or null. */
    public List<String> strings(String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            violations.add(new Violation(name, "This value should be of type array.", Violation.INVALID_TYPE));
            return List.of();
        }
        // Each item may be a violation of its own: a megabyte of empty strings made a 74 MB problem document.
        if (node.size() > MAX_ITEMS) {
            violations.add(new Violation(name, "This collection should contain " + MAX_ITEMS + " elements or less.",
                    Violation.TOO_MANY));
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isString()) {
                violations.add(new Violation(name + "[" + i + "]", "This value should be of type string.",
                        Violation.INVALID_TYPE));
            } else if (refusal(item.stringValue(), false) != null) {
                violations.add(new Violation(name + "[" + i + "]", refusal(item.stringValue(), false),
                        Violation.INVALID_FORMAT));
            } else {
                values.add(item.stringValue());
            }
        }
        return values;
    }

    /**
     * Why a string cannot be stored as it is, or null. A NUL cannot be stored in PostgreSQL's text at all;
     * half of a surrogate pair is not a character (UTF-8 cannot encode it, so a webhook would carry "?"
     * where the API shows the escape). One-line values refuse the C0 controls and DEL too; free text
     * ({@code lines}) keeps them, as documents carry tabs, line and page breaks. C1 controls are left
     * alone: text from legacy systems holds them where Windows-1252 was read as Latin-1.
     */
    static String refusal(String value, boolean lines) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\u0000') {
                return "This value contains a NUL character, which is not allowed.";
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "This value is not valid Unicode: it contains half of a surrogate pair.";
            } else if (!lines && (c < ' ' || c == '\u007f')) {
                return "This value contains a control character, such as a line break, which is not allowed here.";
            }
        }
        return null;
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
        if (node == null || node.isNull() || rejected(name)) {
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
