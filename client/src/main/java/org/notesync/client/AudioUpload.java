package org.notesync.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

/**
 * A recording to upload with {@link Audios#upload}: WAV, MP3, OGG (Opus or Vorbis), WebM or M4A/AAC, 200 MB
 * at most, recognised by the server from its bytes. The file is streamed from disk, never held in memory.
 */
public final class AudioUpload {

    private final Path file;
    private final UUID patient;
    private UUID user;
    private String languageSpoken;
    private String noteType;
    private String transcript;

    private AudioUpload(Path file, UUID patient) {
        this.file = Objects.requireNonNull(file, "file");
        this.patient = Objects.requireNonNull(patient, "patient");
    }

    /** The recording in {@code file}, about {@code patient}. */
    public static AudioUpload of(Path file, UUID patient) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            // Not its name in the message: it may name the patient.
            throw new IllegalArgumentException("the recording is not a readable file");
        }
        return new AudioUpload(file, patient);
    }

    /** The clinician who recorded it: required with an integration's token, implied by a clinician's. */
    public AudioUpload user(UUID clinician) {
        this.user = clinician;
        return this;
    }

    /** Such as {@code fr} or {@code fr-FR}. */
    public AudioUpload languageSpoken(String language) {
        this.languageSpoken = language;
        return this;
    }

    /** One of the server's note types; {@code consultation_summary} when not set. */
    public AudioUpload noteType(String type) {
        this.noteType = type;
        return this;
    }

    /** Text your software already has (its own dictation): the server then does not transcribe. */
    public AudioUpload transcript(String text) {
        this.transcript = text;
        return this;
    }

    MultipartForm form() {
        MultipartForm form = new MultipartForm().field("patient", patient.toString());
        if (user != null) {
            form.field("user", user.toString());
        }
        if (languageSpoken != null) {
            form.field("languageSpoken", languageSpoken);
        }
        if (noteType != null) {
            form.field("noteType", noteType);
        }
        if (transcript != null) {
            form.field("transcript", transcript);
        }
        return form.file("file", file);
    }

    @Override
    public String toString() {
        // Never the transcript, nor the file's name: either may name the patient.
        return "AudioUpload[patient=" + patient + ", user=" + user + "]";
    }
}
