package org.notesync.client;

import java.lang.System.Logger.Level;
import java.util.List;

/**
 * {@link NoteFeed} over the server's change feed ({@code GET /notes/feed?after=N}): changes are numbered
 * after they commit, so resuming after the last number seen never skips a note, even one whose
 * transaction committed late. Not thread-safe: one poller owns it.
 */
final class ChangeFeed implements NoteFeed {

    private static final System.Logger LOG = System.getLogger(ChangeFeed.class.getName());

    static final String PREFIX = "feed:";
    static final int PAGE_SIZE = 100;

    private final Notes notes;
    private long cursor;
    /** The cursor the last batch was read after: the feed's start when it went back. */
    private long batchStart;

    ChangeFeed(Notes notes, long after) {
        if (after < 0) {
            throw new IllegalArgumentException("the feed starts after sequence 0");
        }
        this.notes = notes;
        this.cursor = after;
        this.batchStart = after;
    }

    @Override
    public List<Note> next() {
        NoteChanges page = notes.changes(cursor, PAGE_SIZE);
        if (page.wentBack(cursor)) {
            LOG.log(Level.WARNING, "The change feed went back from cursor {0,number,#} to {1,number,#} (the server''s"
                    + " database restored from an older backup?); reading it again from there, notes already seen"
                    + " included", cursor, page.cursor());
            cursor = page.cursor();
            page = notes.changes(cursor, PAGE_SIZE); // the page the caller asked for, from where the feed goes on
        }
        batchStart = cursor;
        cursor = page.cursor();
        return page.changes().stream().map(NoteChanges.Change::note).toList();
    }

    @Override
    public String checkpoint() {
        return PREFIX + cursor;
    }

    /**
     * The checkpoint before the batch {@link #next()} last returned: resuming from it reads that batch again. Not
     * always the checkpoint before the call: when the feed went back (a restored server), the batch came from
     * the feed's new start, and the old cursor is past notes it will number again.
     */
    String batchCheckpoint() {
        return PREFIX + batchStart;
    }

    static long parse(String checkpoint) {
        try {
            return Long.parseLong(checkpoint.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a checkpoint of the change feed", e);
        }
    }
}
