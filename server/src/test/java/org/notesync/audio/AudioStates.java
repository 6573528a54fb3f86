package org.notesync.audio;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.notesync.support.Http;
import tools.jackson.databind.JsonNode;

/** Waits, as an integrator would by polling, for an audio to reach a final status. */
public final class AudioStates {

    private AudioStates() {
    }

    /** The audio once {@code completed} or {@code failed}, or as it is after a minute. */
    public static JsonNode awaitFinal(Http api, Object uuid) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        JsonNode audio = api.get("/audios/" + uuid).json();
        while (!List.of("completed", "failed").contains(audio.get("status").asString())
                && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            audio = api.get("/audios/" + uuid).json();
        }
        return audio;
    }
}
