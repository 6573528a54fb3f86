package org.notesync.web;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * UUIDs as clients write them: 8-4-4-4-12 hexadecimal digits. {@link UUID#fromString} also takes shortened
 * groups ({@code 1-1-1-1-1} is {@code 00000001-0001-0001-0001-000000000001}), which would make one resource
 * answer to many spellings of its identity and a typo find another resource.
 */
public final class Uuids {

    private static final Pattern CANONICAL = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Uuids() {
    }

    /** @throws IllegalArgumentException when {@code value} is not a UUID written out in full */
    public static UUID parse(String value) {
        if (value == null || !CANONICAL.matcher(value).matches()) {
            throw new IllegalArgumentException("not a uuid");
        }
        return UUID.fromString(value);
    }
}
