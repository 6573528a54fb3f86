package org.notesync.client;

import java.util.UUID;

/**
 * {@code /audios}: read with scope {@code read:audios}, deleted with {@code write:audios}. Uploads are
 * multipart and not part of the SDK yet.
 */
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
     * Removes the audio, its transcription and its recording for good; the note generated from it stays.
     *
     * @throws NotFoundException when the caller sees no such audio
     */
    public void delete(UUID uuid) {
        api.delete("/audios/" + uuid);
    }
}
