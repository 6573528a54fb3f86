package org.notesync.audio;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where an audio is in the pipeline: {@code uploaded → transcribing → transcribed → generating →
 * completed}, or {@code failed} (with a reason) from any step before completion.
 */
public enum AudioStatus {
    UPLOADED, TRANSCRIBING, TRANSCRIBED, GENERATING, COMPLETED, FAILED;

    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(AudioStatus::wireName).toList();

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AudioStatus ofWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED;
    }
}
