package org.notesync.web;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accumulates the conditions of a filtered query with named parameters. Column names come from code,
 * values only ever travel as parameters.
 */
public final class SqlWhere {

    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> parameters = new TreeMap<>();

    public SqlWhere and(String condition, Object... nameValuePairs) {
        conditions.add(condition);
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            parameters.put((String) nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return this;
    }

    /** {@code column = :p} for one value, {@code column IN (:p)} for several, nothing for none. */
    public SqlWhere in(String column, String parameter, Collection<?> values) {
        if (values.isEmpty()) {
            return this;
        }
        if (values.size() == 1) {
            return and(column + " = :" + parameter, parameter, values.iterator().next());
        }
        return and(column + " IN (:" + parameter + ")", parameter, values);
    }

    public SqlWhere dates(String column, List<DateCondition> dates) {
        for (DateCondition d : dates) {
            String name = "p" + parameters.size();
            and(column + " " + d.comparison().sql() + " :" + name,
                    name, d.value().atOffset(java.time.ZoneOffset.UTC));
        }
        return this;
    }

    public String sql() {
        return conditions.isEmpty() ? "TRUE" : String.join(" AND ", conditions);
    }

    public Map<String, Object> parameters() {
        return parameters;
    }
}
