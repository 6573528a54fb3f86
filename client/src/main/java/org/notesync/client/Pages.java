package org.notesync.client;

import java.net.URI;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A collection read page by page, following the server's Hydra {@code view.next} links. Lazy: nothing
 * is fetched until iterated, and each page only when the previous one is used up. Each iteration starts
 * again from the first page.
 *
 * <pre>{@code
 * for (Note note : client.notes().list(query)) { ... }
 * client.notes().list(query).stream().filter(...).limit(500).toList();
 * }</pre>
 */
public final class Pages<T> implements Iterable<T> {

    private final URI first;
    private final Function<URI, Page<T>> fetch;

    Pages(URI first, Function<URI, Page<T>> fetch) {
        this.first = first;
        this.fetch = fetch;
    }

    /** Only the first page (one request), for its items and {@link Page#totalItems()}. */
    public Page<T> firstPage() {
        return fetch.apply(first);
    }

    /** The pages themselves, lazily. */
    public Iterable<Page<T>> pages() {
        return () -> new Iterator<>() {
            private URI next = first;
            private URI previous;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Page<T> next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                Page<T> page = fetch.apply(next);
                previous = next;
                // A next link pointing back at the page just read would loop forever.
                next = page.next() == null || page.next().equals(previous) ? null : page.next();
                return page;
            }
        };
    }

    @Override
    public Iterator<T> iterator() {
        Iterator<Page<T>> pages = pages().iterator();
        return new Iterator<>() {
            private Iterator<T> items = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!items.hasNext() && pages.hasNext()) {
                    items = pages.next().items().iterator();
                }
                return items.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return items.next();
            }
        };
    }

    public Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }
}
