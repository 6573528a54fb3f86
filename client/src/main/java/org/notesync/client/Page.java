package org.notesync.client;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * One page of a collection.
 *
 * @param totalItems the size of the whole filtered collection, or -1 when the server did not say
 * @param next       the next page ({@code view.next}), or null on the last page
 */
public record Page<T>(List<T> items, long totalItems, URI next) {

    public Page {
        items = List.copyOf(items);
    }

    public Optional<URI> nextPage() {
        return Optional.ofNullable(next);
    }
}
