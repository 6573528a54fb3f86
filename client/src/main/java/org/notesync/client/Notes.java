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

    /**
     * Creates a note, sent with a new random {@code Idempotency-Key}: repeated by the SDK when its answer may
     * have been lost (a broken connection, a 5xx), it is still written once.
     */
    public Note create(NoteInput note) {
        return create(note, UUID.randomUUID().toString());
    }

    /**
     * Creates a note with the {@code Idempotency-Key} given: the same note created again with the same key (by
     * a process that restarted before it saw the answer, having saved the key first) within 24 hours answers
     * with the note the first created, and no second one is written.
     *
     * @param idempotencyKey 1 to 255 visible ASCII characters without quotes or backslashes, unique per note
     * @throws ValidationException when the key was used with another request (422)
     */
    public Note create(NoteInput note, String idempotencyKey) {
        return api.create("/notes", note.fields(), idempotencyKey, Note.class);
    }

    /** Changes the fields set in {@code changes} (JSON merge patch). */
    public Note update(UUID uuid, NoteInput changes) {
        return api.patch("/notes/" + uuid, changes.fields(), Note.class);
    }
}
