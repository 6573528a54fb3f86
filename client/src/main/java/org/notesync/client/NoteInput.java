package org.notesync.client;

import java.util.UUID;

/**
 * A note to create ({@code patient}, {@code type} and {@code content} required), or the changes to make
 * to one ({@code type}, {@code content}).
 */
public final class NoteInput extends Input<NoteInput> {

    private NoteInput() {
    }

    public static NoteInput create() {
        return new NoteInput();
    }

    public NoteInput patient(UUID patient) {
        return put("patient", patient == null ? null : patient.toString());
    }

    /** For example {@code consultation_summary}. */
    public NoteInput type(String type) {
        return put("type", type);
    }

    public NoteInput content(String content) {
        return put("content", content);
    }

    public NoteInput audio(UUID audio) {
        return put("audio", audio == null ? null : audio.toString());
    }

    /** The clinician the note is written as; required with an organization-wide (client credentials) token. */
    public NoteInput user(UUID clinician) {
        return put("user", clinician == null ? null : clinician.toString());
    }
}
