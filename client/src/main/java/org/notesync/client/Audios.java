package org.notesync.client;

import java.util.UUID;

/** {@code /audios}, read only for now: scope {@code read:audios}. */
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
}
