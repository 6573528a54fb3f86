package org.notesync.client;

/**
 * Imports a note into your system. Called at most once per note version by {@link NoteInbox} (per
 * JVM, and across restarts if its {@link ProcessedNotes} is durable), off the webhook's request thread.
 * Make it idempotent anyway (an upsert on the note uuid), as the guide asks: a crash between importing
 * and recording the import replays the note. Throw to have the note retried on the next poll cycle.
 */
@FunctionalInterface
public interface NoteHandler {

    void handle(Note note) throws Exception;
}
