package org.notesync.pipeline;

/** Transcript to note content. Implementations are chosen by configuration (notesync.pipeline.generation.engine). */
interface NoteGenerator {

    String name();

    /** The note's content, rendered from the template's sections. */
    String generate(NoteRequest request) throws EngineException, InterruptedException;

    /** @param language the audio's {@code languageSpoken}, or null */
    record NoteRequest(NoteTemplate template, String transcript, String language) {
    }
}
