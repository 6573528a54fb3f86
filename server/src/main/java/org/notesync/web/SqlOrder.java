package org.notesync.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The ORDER BY of a collection: the requested fields, a default, and the id last so pages neither repeat nor skip. */
public final class SqlOrder {

    private SqlOrder() {
    }

    /**
     * @param order         field to ascending, as {@link CollectionQuery#order} returns it
     * @param columns       field to column
     * @param defaultColumn ordered ascending when nothing is requested
     * @param idColumn      the tie-breaker, in the direction of the last requested field
     */
    public static String of(Map<String, Boolean> order, Map<String, String> columns, String defaultColumn,
            String idColumn) {
        List<String> terms = new ArrayList<>();
        boolean lastAscending = true;
        for (Map.Entry<String, Boolean> o : order.entrySet()) {
            terms.add(columns.get(o.getKey()) + (o.getValue() ? " ASC" : " DESC"));
            lastAscending = o.getValue();
        }
        if (terms.isEmpty()) {
            terms.add(defaultColumn + " ASC");
        }
        terms.add(idColumn + (lastAscending ? " ASC" : " DESC"));
        return String.join(", ", terms);
    }
}
