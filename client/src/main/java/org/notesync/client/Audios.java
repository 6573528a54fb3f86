package org.notesync.client;

import java.util.UUID;

/** {@code /audios}: read with scope {@code read:audios}, uploaded and deleted with {@code write:audios}. */
public final class Audios {

    private final Api api;

    Audios(Api api) {
        this.api = api;
    }

    public Pages<Audio> list() {
        return list(AudioQuery.create());
    }

    public Pages<Audio> list(AudioQuery query) {
        return api.list("/audios", query, Audio.class);
    }

    public Audio get(UUID uuid) {
        return api.get("/audios/" + uuid, Audio.class);
    }

    /**
     * Uploads a recording; the server's pipeline then transcribes it and writes its note (wait for
     * {@link Audio#status()} {@code completed}, or receive the {@code new_note} webhook). Not repeated by the
     * SDK once it may have reached the server, since a second upload would be a second audio: after a
     * {@link TransportException} (a timeout, a lost connection) the audio may exist, so look for it
     * ({@code list(AudioQuery.create().patient(...))}) before uploading again.
     *
     * @throws ValidationException   a field is wrong (an unknown patient or clinician, an empty file)
     * @throws ApiException          415 when the file is not audio in a supported format, 413 over the size
     *                               limit
     */
    public Audio upload(AudioUpload upload) {
        return api.postMultipart("/audios", upload.form(), Audio.class);
    }

    /**
     * Removes the audio, its transcription and its recording for good; the note generated from it stays.
     *
     * @throws NotFoundException when the caller sees no such audio
     */
    public void delete(UUID uuid) {
        api.delete("/audios/" + uuid);
    }
}
