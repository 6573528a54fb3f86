package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * The audios API is not on main yet, so its end-to-end test waits; this reads an audio exactly as its
 * branch writes one (JSON-LD item), so list and get work the day it lands.
 */
class AudioJsonTest {

    @Test
    void anAudioAsTheServerWritesItIsRead() {
        String json = """
                {"@context":"/contexts/Audio","@id":"/audios/5b0c...","@type":"Audio",
                 "uuid":"6f1c1b1e-8a4e-4f57-9c53-1d2a0f9b7e11","status":"completed","failureReason":null,
                 "patient":{"uuid":"0b7e6a52-3e0e-4e43-a7b2-6a8f7d1d2c33","firstName":"Ada","lastName":"King"},
                 "user":{"uuid":"9d9a3f6c-1f7e-4c54-8d5e-2f1b0a6c4e55","firstName":"Demo","lastName":"Clinician"},
                 "languageSpoken":"fr","noteType":"consultation_summary","contentType":"audio/wav","size":320044,
                 "duration":12.5,"transcription":"Bonjour docteur","transcriptSource":"upload",
                 "note":"7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d","createdAt":"2026-02-24T10:30:00+00:00",
                 "updatedAt":"2026-02-24T10:31:00+00:00","transcribedAt":"2026-02-24T10:30:30+00:00",
                 "completedAt":"2026-02-24T10:31:00+00:00","fileDeletedAt":"2026-03-26T10:31:00+00:00"}""";

        Audio audio = Json.MAPPER.readValue(json, Audio.class);

        assertThat(audio.uuid()).isEqualTo(UUID.fromString("6f1c1b1e-8a4e-4f57-9c53-1d2a0f9b7e11"));
        assertThat(audio.status()).isEqualTo("completed");
        assertThat(audio.patient().lastName()).isEqualTo("King");
        assertThat(audio.user().lastName()).isEqualTo("Clinician");
        assertThat(audio.size()).isEqualTo(320044L);
        assertThat(audio.duration()).isEqualTo(12.5);
        assertThat(audio.note()).isEqualTo(UUID.fromString("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"));
        assertThat(audio.completedAt()).isEqualTo(Instant.parse("2026-02-24T10:31:00Z"));
        assertThat(audio.fileDeletedAt()).isEqualTo(Instant.parse("2026-03-26T10:31:00Z"));
        assertThat(audio.toString()).doesNotContain("Bonjour");
    }
}
