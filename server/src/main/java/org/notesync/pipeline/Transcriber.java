package org.notesync.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

import org.notesync.audio.AudioFormat;

/** Speech to text. Implementations are chosen by configuration (notesync.pipeline.transcription.engine). */
interface Transcriber {

    /** Recorded as the audio's {@code transcriptSource}, e.g. {@code openai-compatible:whisper-1}. */
    String name();

    Transcript transcribe(AudioInput audio) throws EngineException, InterruptedException;

    /** The recording to transcribe; {@code language} is an ISO 639-1 code or null (detect it). */
    record AudioInput(AudioFormat format, long size, String language, Content content) {
    }

    /** Opens the bytes; may be called more than once (a retried request reads them again). */
    interface Content {
        InputStream open() throws IOException;
    }

    /** @param duration null when the engine does not say */
    record Transcript(String text, Duration duration) {
    }
}
