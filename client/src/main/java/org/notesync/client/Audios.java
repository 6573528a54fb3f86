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
     * {@link Audio#status()} {@code completed}, or receive the {@code new_note} webhook). Sent with a new random
     * {@code Idempotency-Key}, so the SDK repeats it (from the file's start) when its answer may have been lost
     * (a broken connection, a timeout, a 5xx): the server keeps one audio.
     *
     * @throws ValidationException   a field is wrong (an unknown patient or clinician, an empty file)
     * @throws ApiException          415 when the file is not audio in a supported format, 413 over the size
     *                               limit
     */
    public Audio upload(AudioUpload upload) {
        return upload(upload, UUID.randomUUID().toString());
    }

    /**
     * Uploads a recording with the {@code Idempotency-Key} given: the same upload sent again with the same key
     * (by a process that restarted before it saw the answer, having saved the key first) within 24 hours
     * answers with the audio the first created, and its recording is not stored twice.
     *
     * @param idempotencyKey 1 to 255 visible ASCII characters without quotes or backslashes, unique per upload
     * @throws ValidationException when the key was used with another upload (422), or as {@link #upload(AudioUpload)}
     */
    public Audio upload(AudioUpload upload, String idempotencyKey) {
        return api.postMultipart("/audios", upload.form(), idempotencyKey, Audio.class);
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
