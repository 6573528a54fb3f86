package org.notesync.note;

import java.util.List;

import org.notesync.identity.Viewer;
import org.notesync.web.ApiException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /notes/feed?after=N}: the polling call that cannot miss a note. {@code createdAt[after]}
 * polling misses a note whose transaction commits after a later-stamped note was already seen; feed
 * numbers are handed out only after commit, so the last number seen is a safe place to resume.
 */
@RestController
class NoteFeedController {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;

    /** A page of the feed; pass {@code cursor} as {@code after} next time. Edited notes come back with action updated_note. */
    record FeedPage(List<Entry> changes, long cursor, boolean hasMore) {
    }

    record Entry(long sequence, String action, Note note) {
    }

    private final Notes notes;

    NoteFeedController(Notes notes) {
        this.notes = notes;
    }

    @GetMapping(path = "/notes/feed", produces = {"application/json", "application/ld+json"})
    FeedPage feed(Viewer viewer, @RequestParam(required = false) String after,
            @RequestParam(required = false) String limit) {
        long from = number("after", after, 0, Long.MAX_VALUE, 0);
        int size = (int) number("limit", limit, 1, MAX_LIMIT, DEFAULT_LIMIT);
        List<Notes.Change> changes = notes.changes(viewer, from, size + 1);
        boolean more = changes.size() > size;
        List<Notes.Change> page = more ? changes.subList(0, size) : changes;
        long cursor = page.isEmpty() ? from : page.get(page.size() - 1).sequence();
        return new FeedPage(page.stream().map(c -> new Entry(c.sequence(),
                c.note().updatedAt().isAfter(c.note().createdAt()) ? "updated_note" : "new_note", c.note())).toList(),
                cursor, more);
    }

    private static long number(String name, String value, long min, long max, long fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value);
            if (n < min || n > max) {
                throw ApiException.badParameter(name, "must be between " + min + " and " + max + ".");
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name, "must be an integer.");
        }
    }
}
