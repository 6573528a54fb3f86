package org.notesync.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of a request body, only those set: a field never set is absent (a PATCH leaves it as it
 * is), a field set to null is sent as null (a PATCH clears it).
 */
abstract class Input<I extends Input<I>> {

    private final Map<String, Object> fields = new LinkedHashMap<>();

    @SuppressWarnings("unchecked")
    protected I put(String name, Object value) {
        fields.put(name, value);
        return (I) this;
    }

    /** The body as it will be sent. */
    public Map<String, Object> fields() {
        return Collections.unmodifiableMap(fields);
    }

    @Override
    public String toString() {
        // Field names only: the values are patient data.
        return getClass().getSimpleName() + fields.keySet();
    }
}
