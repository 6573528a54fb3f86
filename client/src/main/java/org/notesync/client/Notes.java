package org.notesync.client;

import java.util.UUID;

/** {@code /notes}: scope {@code read:notes} to read, {@code write:notes} to write. */
public final class Notes {

    private final Api api;

    Notes(Api api) {
        this.api = api;
    }

    /** Every note the caller sees, oldest first by default, page by page. */
    public Pages<Note> list() {
        return list(NoteQuery.create());
    }

    public Pages<Note> list(NoteQuery query) {
        return api.list("/notes", query, Note.class);
    }

    /** @throws NotFoundException when there is no such note in the caller's organization */
    public Note get(UUID uuid) {
        return api.get("/notes/" + uuid, Note.class);
    }

    /**
     * The change feed: note changes numbered in commit order, after {@code after} (0 for the beginning),
     * {@code limit} at most (1 to 500). Numbers are handed out after commit, so resuming after the last
     * cursor seen never skips a note. {@link NoteFeed#changes(NotesyncClient)} walks it for you.
     */
    public NoteChanges changes(long after, int limit) {
        return api.get("/notes/feed?after=" + after + "&limit=" + limit, NoteChanges.class);
    }

    public Note create(NoteInput note) {
        return api.post("/notes", note.fields(), Note.class);
    }

    /** Changes the fields set in {@code changes} (JSON merge patch). */
    public Note update(UUID uuid, NoteInput changes) {
        return api.patch("/notes/" + uuid, changes.fields(), Note.class);
    }
}
