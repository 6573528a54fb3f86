package org.notesync.web;

import java.util.List;
import java.util.function.Function;

/** One page of a collection and the size of the whole filtered collection. */
public record Page<T>(List<T> items, long totalItems, int page, int itemsPerPage) {

    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), totalItems, page, itemsPerPage);
    }

    public long offset() {
        return (long) (page - 1) * itemsPerPage;
    }

    public long lastPage() {
        if (itemsPerPage == 0) {
            return 1;
        }
        return Math.max(1, (totalItems + itemsPerPage - 1) / itemsPerPage);
    }
}
