package org.notesync.audio;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param storageDir where uploaded audio files are kept; {@code <notesync.data-dir>/audios} when empty.
 *                   The upload size limit is {@code spring.servlet.multipart.max-file-size} (200 MB).
 */
@ConfigurationProperties("notesync.audio")
record AudioProperties(String storageDir) {
}
