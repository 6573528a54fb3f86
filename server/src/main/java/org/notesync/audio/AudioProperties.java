package org.notesync.audio;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param storageDir    where uploaded audio files are kept; {@code <notesync.data-dir>/audios} when empty.
 *                      The upload size limit is {@code spring.servlet.multipart.max-file-size} (200 MB).
 * @param sweepInterval how often a node removes the recordings no audio refers to ({@link AudioSweep})
 */
@ConfigurationProperties("notesync.audio")
record AudioProperties(String storageDir, @DefaultValue("1h") Duration sweepInterval) {

    AudioProperties {
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("notesync.audio.sweep-interval (" + sweepInterval
                    + ") must be positive, such as 1h");
        }
    }
}
