package org.notesync.client;

/** Sort direction of a collection: {@code order[field]=asc|desc}. */
public enum Order {
    ASC, DESC;

    String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
