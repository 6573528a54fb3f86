package org.notesync.note;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import org.notesync.identity.Viewer;
import org.notesync.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
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

    private static final Logger log = LoggerFactory.getLogger(NoteFeedController.class);

    /** A client that keeps sending a made-up cursor would otherwise write a warning per poll. */
    static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);

    private final Notes notes;
    private final Clock clock;
    private final AtomicLong nextWarning = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong unlogged = new AtomicLong();

    NoteFeedController(Notes notes, Clock clock) {
        this.notes = notes;
        this.clock = clock;
    }

    /**
     * Plain JSON whatever the client accepts: a page of the feed is no Hydra collection, and written as
     * {@code application/ld+json} without a context it said nothing a JSON-LD reader could expand. A client that
     * asks for JSON-LD only, as API Platform's clients do, is still answered (RFC 9110, 12.5.1).
     */
    @GetMapping(path = "/notes/feed", produces = "application/json")
    ResponseEntity<FeedPage> feed(Viewer viewer, HttpServletRequest request) {
        return page(viewer, request);
    }

    /** The same for a client that accepts JSON-LD only; left out of the OpenAPI document, which says JSON. */
    @Hidden
    @GetMapping(path = "/notes/feed", produces = "application/ld+json")
    ResponseEntity<FeedPage> feedAskedAsJsonLd(Viewer viewer, HttpServletRequest request) {
        return page(viewer, request);
    }

    // The values as sent (the parameters are described in operations.yaml): a @RequestParam list or array of one value
    // is split at its commas and each part trimmed, so after=5%00 was read as 5 and after=%01 as no cursor.
    private ResponseEntity<FeedPage> page(Viewer viewer, HttpServletRequest request) {
        long from = number("after", once("after", request.getParameterValues("after")), 0, Long.MAX_VALUE, 0);
        int size = (int) number("limit", once("limit", request.getParameterValues("limit")), 1, MAX_LIMIT,
                DEFAULT_LIMIT);
        List<Notes.Change> changes = notes.changes(viewer, from, size + 1);
        boolean more = changes.size() > size;
        List<Notes.Change> page = more ? changes.subList(0, size) : changes;
        long cursor = page.isEmpty() ? caughtUp(from) : page.get(page.size() - 1).sequence();
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new FeedPage(page.stream()
                .map(c -> new Entry(c.sequence(), c.note().updatedAt().isAfter(c.note().createdAt()) ? "updated_note"
                        : "new_note", c.note())).toList(), cursor, more));
    }

    /**
     * The cursor of an empty page: {@code after} itself, unless it is beyond every number the feed has handed
     * out. Only a database restored from a backup (or a made-up cursor) gets there, and echoing it would leave
     * the reader silent until the restored feed's numbers passed it, skipping every change numbered meanwhile.
     * The answer is 0, the feed's start: the changes numbered since the restore lie somewhere between the
     * backup's last number and the feed's last one, and the server cannot tell where, so the reader reads the
     * whole feed again and skips what it has (by uuid and {@code updatedAt}, as every reader must).
     */
    private long caughtUp(long after) {
        if (after == 0) {
            return 0;
        }
        long last = notes.lastFeedNumber();
        if (after <= last) {
            return after;
        }
        long now = clock.millis();
        long next = nextWarning.get();
        if (now >= next && nextWarning.compareAndSet(next, now + WARNING_INTERVAL.toMillis())) {
            log.warn("A change feed cursor ({}) was beyond the feed's last number ({}), as after a restore of the"
                    + " database from a backup; it was answered with 0, the feed's start ({} more such polls since"
                    + " the last warning, at most one a minute)", after, last, unlogged.getAndSet(0));
        } else {
            unlogged.incrementAndGet();
        }
        return 0;
    }

    /** The parameter's one value: given twice ({@code after=5&after=6}), which one the client meant is a guess. */
    private static String once(String name, String[] values) {
        if (values == null || values.length == 0) {
            return null;
        }
        if (values.length > 1) {
            throw ApiException.badParameter(name, "is given more than once; give one integer.");
        }
        return values[0].strip().isEmpty() ? "" : values[0].replaceAll("^ +| +$", "");
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
            throw ApiException.badParameter(name, value.matches("-?\\d+") ? "must be between " + min + " and " + max
                    + "." : "must be an integer.");
        }
    }
}
