package org.notesync.client;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@link NoteFeed} over {@code GET /notes} ordered by {@code updatedAt}. Each call queries afresh from
 * the cursor (minus the look-back) instead of following page links, so notes changing meanwhile cannot
 * shift a page and be skipped; the versions already returned inside the window are remembered and left
 * out. Not thread-safe: one poller owns it.
 */
final class UpdatedNotesFeed implements NoteFeed {

    static final Duration DEFAULT_LOOKBACK = Duration.ofSeconds(10);
    private static final String PREFIX = "updatedAt:";
    private static final int PAGE_SIZE = Query.MAX_ITEMS_PER_PAGE;

    private final Notes notes;
    private final Duration lookback;
    private Instant cursor;
    private final Map<UUID, NoteVersion> returned = new HashMap<>();

    UpdatedNotesFeed(Notes notes, Instant since, Duration lookback) {
        this.notes = notes;
        this.cursor = since;
        this.lookback = lookback;
    }

    @Override
    public List<Note> next() {
        Instant from = cursor.minus(lookback);
        int page = 1;
        while (true) {
            Page<Note> result = notes.list(NoteQuery.create().updatedAfter(from).orderByUpdatedAt(Order.ASC)
                    .itemsPerPage(PAGE_SIZE).page(page)).firstPage();
            List<Note> fresh = new ArrayList<>();
            for (Note note : result.items()) {
                if (!NoteVersion.of(note).isCoveredBy(returned.get(note.uuid()))) {
                    fresh.add(note);
                }
            }
            if (!fresh.isEmpty()) {
                for (Note note : fresh) {
                    NoteVersion version = NoteVersion.of(note);
                    returned.put(note.uuid(), version);
                    if (version.updatedAt().isAfter(cursor)) {
                        cursor = version.updatedAt();
                    }
                }
                Instant windowStart = cursor.minus(lookback);
                returned.values().removeIf(v -> v.updatedAt().isBefore(windowStart));
                return fresh;
            }
            if (result.items().size() < PAGE_SIZE || result.next() == null) {
                return List.of();
            }
            // A full page of notes already returned: read on from its last one (updatedAt[after] includes it),
            // or, where a page's notes all share one instant, by the page's number. Every read passes a page of
            // the window: however many notes it holds, the call ends at a new one or at the end (a bound on the
            // pages read stopped short of the new ones once the window held that many, and every call again).
            Instant last = result.items().get(result.items().size() - 1).updatedAt();
            if (last.isAfter(from)) {
                from = last;
                page = 1;
            } else {
                page++;
            }
        }
    }

    @Override
    public String checkpoint() {
        return PREFIX + Dates.format(cursor);
    }

    static Instant parse(String checkpoint) {
        if (checkpoint == null || !checkpoint.startsWith(PREFIX)) {
            throw new IllegalArgumentException("Not a checkpoint of this feed");
        }
        try {
            return java.time.OffsetDateTime.parse(checkpoint.substring(PREFIX.length())).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("Not a checkpoint of this feed", e);
        }
    }
}
