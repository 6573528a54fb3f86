package org.notesync.audio;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param storageDir    where uploaded audio files are kept; {@code <notesync.data-dir>/audios} when empty.
 *                      The upload size limit is {@code spring.servlet.multipart.max-file-size} (200 MB).
 * @param retention     how long a recording is kept after its audio ended (completed or failed); then the
 *                      recording goes, and the audio, its transcription and its note stay. 0 keeps recordings
 *                      until their audio is deleted; anything else under an hour is refused, since a missing
 *                      unit ({@code 30} for {@code 30d}) would mean milliseconds
 * @param sweepInterval how often a node removes the recordings past their retention and those no audio
 *                      refers to ({@link AudioSweep})
 */
@ConfigurationProperties("notesync.audio")
record AudioProperties(String storageDir, @DefaultValue("0") Duration retention,
        @DefaultValue("1h") Duration sweepInterval) {

    AudioProperties {
        if (!retention.isZero() && retention.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("notesync.audio.retention (" + retention + ") must be 0 (keep "
                    + "recordings until their audio is deleted) or at least 1h, such as 30d");
        }
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("notesync.audio.sweep-interval (" + sweepInterval
                    + ") must be positive, such as 1h");
        }
    }
}
