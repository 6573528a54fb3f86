package org.notesync.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The query string of a collection request, built with typed methods and encoded correctly (brackets,
 * the {@code +} of an offset, spaces). Subclasses add the filters of one collection; {@link #param} is
 * there for a filter this version of the SDK does not know yet.
 *
 * <p>Date operators follow API Platform's DateFilter: {@code after} and {@code before} include the
 * instant itself, {@code strictly_after} and {@code strictly_before} do not.
 */
public abstract class Query<Q extends Query<Q>> {

    public static final int MAX_ITEMS_PER_PAGE = 100;

    private final List<Map.Entry<String, String>> parameters = new ArrayList<>();

    protected Query() {
    }

    @SuppressWarnings("unchecked")
    private Q self() {
        return (Q) this;
    }

    /** Page number, from 1. The iterators follow the server's {@code next} links, so this is rarely needed. */
    public Q page(int page) {
        if (page < 1) {
            throw new IllegalArgumentException("page must be 1 or more");
        }
        return set("page", Integer.toString(page));
    }

    /** Items per page, 0 to 100 (the server's maximum). */
    public Q itemsPerPage(int items) {
        if (items < 0 || items > MAX_ITEMS_PER_PAGE) {
            throw new IllegalArgumentException("itemsPerPage must be between 0 and " + MAX_ITEMS_PER_PAGE);
        }
        return set("itemsPerPage", Integer.toString(items));
    }

    /** Adds {@code order[field]=asc|desc}; call again for a secondary order. */
    public Q orderBy(String field, Order order) {
        return set("order[" + requireName(field) + "]", order.value());
    }

    /** Adds a raw parameter, for filters this SDK has no method for yet. */
    public Q param(String name, String value) {
        parameters.add(new AbstractMap.SimpleImmutableEntry<>(requireName(name), Objects.requireNonNull(value)));
        return self();
    }

    protected Q set(String name, String value) {
        parameters.removeIf(p -> p.getKey().equals(name));
        return param(name, value);
    }

    /** One value as {@code name=v}; several as {@code name[]=v1&name[]=v2}. */
    protected Q exact(String name, Collection<?> values) {
        parameters.removeIf(p -> p.getKey().equals(name) || p.getKey().equals(name + "[]"));
        if (values.size() == 1) {
            return param(name, values.iterator().next().toString());
        }
        values.forEach(v -> param(name + "[]", v.toString()));
        return self();
    }

    protected Q ids(String name, UUID... ids) {
        return exact(name, List.of(ids));
    }

    protected Q date(String field, String operator, Instant value) {
        return set(field + "[" + operator + "]", Dates.format(Objects.requireNonNull(value, field)));
    }

    protected Q date(String field, String operator, LocalDate value) {
        return set(field + "[" + operator + "]", Objects.requireNonNull(value, field).toString());
    }

    /** The parameters, decoded, in order: what the server will read. */
    public List<Map.Entry<String, String>> parameters() {
        return List.copyOf(parameters);
    }

    /** The encoded query string without the leading {@code ?}; empty when there are no parameters. */
    public String toQueryString() {
        return parameters.stream().map(p -> encode(p.getKey()) + "=" + encode(p.getValue()))
                .collect(Collectors.joining("&"));
    }

    @Override
    public String toString() {
        return toQueryString();
    }

    /** Percent-encodes for a query string: {@code [}, {@code ]}, {@code +} and {@code :} encoded, spaces as %20. */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("parameter name is required");
        }
        return name;
    }
}
