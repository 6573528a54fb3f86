package org.notesync.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.util.MultiValueMap;

/**
 * The query string of a collection request, read the way API Platform reads it: exact filters
 * ({@code field=v} or {@code field[]=v}), date filters in both spellings ({@code createdAt[after]},
 * {@code createdAt[gte]}, {@code createdAt[between]=a..b}), {@code order[field]}, {@code page} and
 * {@code itemsPerPage}. Every malformed value is a 400 that names its parameter.
 */
public final class CollectionQuery {

    public static final int DEFAULT_ITEMS_PER_PAGE = 20;
    public static final int MAX_ITEMS_PER_PAGE = 100;

    private static final Pattern BRACKETED = Pattern.compile("^([A-Za-z_.]+)\\[([^\\]]*)]$");
    private static final Set<String> DATE_OPERATORS = Set.of("after", "before", "strictly_after", "strictly_before",
            "gt", "gte", "lt", "lte", "between");

    private final MultiValueMap<String, String> parameters;

    public CollectionQuery(MultiValueMap<String, String> parameters) {
        this.parameters = parameters;
    }

    public MultiValueMap<String, String> parameters() {
        return parameters;
    }

    public int page() {
        Integer page = integer("page");
        if (page == null) {
            return 1;
        }
        if (page < 1) {
            throw ApiException.badParameter("page", "must be 1 or more.");
        }
        return page;
    }

    /** Clamped to {@link #MAX_ITEMS_PER_PAGE}, as API Platform does; 0 returns no members, only the count. */
    public int itemsPerPage() {
        Integer items = integer("itemsPerPage");
        if (items == null) {
            return DEFAULT_ITEMS_PER_PAGE;
        }
        if (items < 0) {
            throw ApiException.badParameter("itemsPerPage", "must be 0 or more (more than " + MAX_ITEMS_PER_PAGE
                    + " is taken as " + MAX_ITEMS_PER_PAGE + ").");
        }
        return Math.min(items, MAX_ITEMS_PER_PAGE);
    }

    /** Values of an exact filter, from {@code name=v}, repeated {@code name=v}, and {@code name[]=v}. */
    public List<String> strings(String name) {
        List<String> values = new ArrayList<>();
        for (String key : List.of(name, name + "[]")) {
            List<String> found = parameters.get(key);
            if (found != null) {
                for (String value : found) {
                    if (value.indexOf('\u0000') >= 0) {
                        // PostgreSQL refuses NUL in text, even as a parameter: a 400, not a 500.
                        throw ApiException.badParameter(key, "contains a NUL character.");
                    }
                    if (!value.isEmpty()) {
                        values.add(value);
                    }
                }
            }
        }
        return values;
    }

    /**
     * UUIDs of an exact filter. Accepts a bare uuid or an IRI of the filter's collection such as
     * {@code /patients/<uuid>}, as API Platform clients send both; an IRI of another collection is a 400.
     */
    public List<UUID> uuids(String name) {
        String collection = switch (name) {
            case "patient" -> "/patients";
            case "audio" -> "/audios";
            case "user", "user.uuid" -> "/users";
            case "webhook" -> "/webhooks";
            default -> null;
        };
        List<UUID> ids = new ArrayList<>();
        for (String value : strings(name)) {
            try {
                // As in a body: a bare uuid, or the IRI of one of the filter's collection.
                ids.add(collection == null ? Uuids.parse(value.substring(value.lastIndexOf('/') + 1))
                        : JsonFields.referenced(collection, value));
            } catch (IllegalArgumentException e) {
                throw ApiException.badParameter(name, collection == null ? "is not a valid UUID."
                        : "is not a valid UUID or IRI of one of " + collection + ".");
            }
        }
        return ids;
    }

    /**
     * Exact filters take no operator: {@code patient[gt]=...} is a 400 naming the parameter rather than
     * a filter silently ignored, which would return more than the caller asked for.
     */
    public void rejectOperators(Collection<String> exactFilters) {
        for (String key : parameters.keySet()) {
            Matcher m = BRACKETED.matcher(key);
            if (m.matches() && exactFilters.contains(m.group(1)) && !m.group(2).isEmpty()) {
                throw ApiException.badParameter(key, "\"" + m.group(1) + "\" takes no operator; use "
                        + m.group(1) + "=value or " + m.group(1) + "[]=value.");
            }
        }
    }

    /** Boolean filter such as {@code exists[archivedAt]=true}; null when absent. */
    public Boolean bool(String name) {
        String value = once(name);
        if (value == null || value.isEmpty()) {
            return null; // as every filter: an empty value filters nothing
        }
        return switch (value) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.badParameter(name, "must be true or false.");
        };
    }

    /**
     * The date conditions on a field the API shows to the second (notes, patients, audios) while the
     * database keeps microseconds: an inclusive upper bound of whole seconds ({@code before}, {@code lte},
     * {@code between}'s second date) takes that whole second, so that {@code createdAt[lte]=T} finds the
     * notes shown as created at T. {@code strictly_after=T} still takes the rest of second T: a poller
     * passing the last {@code createdAt} it saw then sees that note again rather than miss one committed
     * later within the same second.
     */
    public List<DateCondition> datesShownToTheSecond(String field) {
        return dates(field).stream().map(DateCondition::throughItsSecond).toList();
    }

    /** The date conditions on one field; an unknown operator or an unreadable date is a 400. */
    public List<DateCondition> dates(String field) {
        List<DateCondition> conditions = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : parameters.entrySet()) {
            Matcher m = BRACKETED.matcher(entry.getKey());
            if (!m.matches() || !m.group(1).equals(field)) {
                if (entry.getKey().equals(field)) {
                    throw ApiException.badParameter(field, "needs an operator, for example "
                            + field + "[after]=2026-02-17.");
                }
                continue;
            }
            String operator = m.group(2);
            if (!DATE_OPERATORS.contains(operator)) {
                throw ApiException.badParameter(entry.getKey(), "unknown operator \"" + operator
                        + "\"; use one of after, before, strictly_after, strictly_before, gt, gte, lt, lte, between.");
            }
            for (String value : entry.getValue()) {
                if (value.isEmpty()) {
                    continue; // as every filter: an empty value filters nothing (a poller's first run)
                }
                if (operator.equals("between")) {
                    int dots = value.indexOf("..");
                    if (dots < 0) {
                        throw ApiException.badParameter(entry.getKey(), "must be two dates separated by \"..\".");
                    }
                    conditions.add(new DateCondition(field, DateCondition.Comparison.GTE,
                            instant(entry.getKey(), value.substring(0, dots))));
                    conditions.add(new DateCondition(field, DateCondition.Comparison.LTE,
                            instant(entry.getKey(), value.substring(dots + 2))));
                } else {
                    conditions.add(new DateCondition(field, DateCondition.Comparison.of(operator),
                            instant(entry.getKey(), value)));
                }
            }
        }
        return conditions;
    }

    /** {@code order[field]=asc|desc} for the allowed fields, in the order given. */
    public Map<String, Boolean> order(Set<String> allowed) {
        Map<String, Boolean> order = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : parameters.entrySet()) {
            Matcher m = BRACKETED.matcher(entry.getKey());
            if (!m.matches() || !m.group(1).equals("order")) {
                continue;
            }
            String field = m.group(2);
            if (!allowed.contains(field)) {
                throw ApiException.badParameter(entry.getKey(), "cannot order by \"" + field + "\"; allowed: "
                        + String.join(", ", allowed) + ".");
            }
            if (entry.getValue().size() > 1) {
                throw ApiException.badParameter(entry.getKey(), "is given more than once; give asc or desc once.");
            }
            String direction = entry.getValue().isEmpty() ? "" : entry.getValue().get(0).toLowerCase();
            if (direction.isEmpty()) {
                continue; // an empty value orders by nothing, as an empty filter filters nothing
            }
            if (!direction.equals("asc") && !direction.equals("desc")) {
                throw ApiException.badParameter(entry.getKey(), "must be asc or desc.");
            }
            order.put(field, direction.equals("asc"));
        }
        return order;
    }

    private Integer integer(String name) {
        String value = once(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name, value.matches("\\+?\\d+")
                    ? "is too large: at most " + Integer.MAX_VALUE + "." : "must be an integer.");
        }
    }

    /**
     * The one value of a parameter that takes one: given twice ({@code page=1&page=2}), which one the client
     * meant is a guess (API Platform takes the last, Spring the first), so the page would be wrong without a sign.
     */
    private String once(String name) {
        List<String> values = parameters.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.badParameter(name, "is given more than once; give one value.");
        }
        return values.get(0);
    }

    private static Instant instant(String parameter, String value) {
        try {
            return Dates.parseInstant(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter(parameter, "is not a date (2026-02-17) or a date-time with offset "
                    + "(2026-02-17T10:30:00+00:00).");
        }
    }
}
