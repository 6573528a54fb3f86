package org.notesync.web;

/** One entry of a 422 problem document's {@code violations}, as API Platform shapes it. */
public record Violation(String propertyPath, String message, String code) {

    public static final String NOT_BLANK = "c1051bb4-d103-4f74-8988-acbcafc7fdc3";
    public static final String NOT_NULL = "ad32d13f-c3d4-423b-909a-857b961eb720";
    public static final String INVALID_CHOICE = "8e179f1b-97aa-4560-a02f-2a8b42e49df7";
    public static final String INVALID_TYPE = "ba785a8c-82cb-4283-967c-3cf342181b40";
    public static final String TOO_LONG = "d94b19cc-114f-4f44-9cc4-4138e80a87b9";
    /** Not of its format (a date, an email, a uuid, a pattern): ours, as Symfony has one per constraint. */
    public static final String INVALID_FORMAT = "notesync-invalid-format";
    /** Symfony's Length: shorter than its minimum. */
    public static final String TOO_SHORT = "9ff3fdc4-b214-49db-8718-39c315e33d45";
    /** Symfony's LessThanOrEqual: a value above its upper bound. */
    public static final String TOO_HIGH = "30fbb013-d015-4232-8b3b-8f3be97a7e14";
    /** Symfony's Count: a collection with more elements than its maximum. */
    public static final String TOO_MANY = "756b1212-697c-468d-a9ad-50dd783bb169";
    public static final String MISSING_FIELD = "2fa2158c-2a7f-484b-98aa-975522539ff8";
    public static final String NOT_FOUND = "notesync-reference-not-found";
}
