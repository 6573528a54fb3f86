package org.notesync.agent;

import java.lang.System.Logger.Level;

import org.notesync.client.ForbiddenException;
import org.notesync.client.NotFoundException;
import org.notesync.client.NoteChanges;
import org.notesync.client.Notes;
import org.notesync.client.NotesyncException;
import org.notesync.client.OAuthException;
import org.notesync.client.TransportException;
import org.notesync.client.UnauthorizedException;

/**
 * Catch-up through the change feed ({@code GET /notes/feed}): at start-up and every poll interval, reads
 * every change after the stored cursor and imports it, so notes sent while the agent was down or
 * unreachable still arrive. The feed numbers changes after they commit, so a note whose transaction
 * committed late is never below a cursor already passed. The cursor moves only after its page is imported.
 */
final class FeedCatchUp {

    private static final System.Logger LOG = System.getLogger(FeedCatchUp.class.getName());
    static final int PAGE_SIZE = 200;

    private final Notes notes;
    private final NoteImporter importer;
    private final SyncState state;
    private final String serverUrl;

    FeedCatchUp(Notes notes, NoteImporter importer, SyncState state, String serverUrl) {
        this.notes = notes;
        this.importer = importer;
        this.state = state;
        this.serverUrl = serverUrl;
    }

    /** Reads the feed until caught up; returns the number of changes read. Called by one thread only. */
    synchronized int poll() {
        int read = 0;
        try {
            long cursor = state.feedCursor();
            while (true) {
                NoteChanges page = notes.changes(cursor, PAGE_SIZE);
                for (NoteChanges.Change change : page.changes()) {
                    importer.importNote(change.note(), NoteImporter.Source.FEED);
                }
                read += page.changes().size();
                boolean wentBack = page.wentBack(cursor);
                if (wentBack) {
                    LOG.log(Level.WARNING, "The change feed went back from cursor {0,number,#} to {1,number,#} (the"
                            + " server''s database restored from an older backup?); reading it again from there,"
                            + " notes already imported skipped", cursor, page.cursor());
                }
                cursor = page.cursor();
                state.polled(cursor);
                if (wentBack) {
                    continue; // read on now from where the feed goes on, not at the next poll
                }
                if (!page.hasMore() || page.changes().isEmpty()) {
                    if (read > 0) {
                        // Counts and the cursor only: what a webhook missed, or a catch-up after a stop.
                        LOG.log(Level.INFO, "Read {0,number,#} note changes from the change feed; cursor {1,number,#}",
                                read, cursor);
                    }
                    return read;
                }
            }
        } catch (RuntimeException e) {
            String error = describe(e, serverUrl);
            LOG.log(Level.WARNING, "Polling the change feed failed: {0}; trying again at the next poll", error);
            state.pollFailed(error);
            return read;
        }
    }

    /**
     * An API problem (its title and status) or the kind of error, never a note; and for a mistake in the
     * settings, which one to check: "invalid_client" or "ConnectException" alone did not say.
     */
    static String describe(RuntimeException e, String serverUrl) {
        String error = e instanceof NotesyncException ? e.getMessage() : e.getClass().getSimpleName();
        String oauth = e instanceof OAuthException o ? o.error() : "";
        if (oauth.equals("invalid_client") || oauth.equals("unauthorized_client") || e instanceof UnauthorizedException) {
            return error + "; check client-id and client-secret";
        }
        if (oauth.equals("invalid_scope") || e instanceof ForbiddenException) {
            return error + "; client-id must be an integration client with the scopes read:notes and read:patients";
        }
        if (e instanceof TransportException) {
            return error + "; check that server-url (" + serverUrl + ") is right and reachable from here";
        }
        if (e instanceof NotFoundException) {
            return error + "; check that server-url (" + serverUrl + ") is notesync's base URL";
        }
        return error;
    }
}
