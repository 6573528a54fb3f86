package org.notesync.audio;

import java.time.Duration;
import java.util.UUID;

/**
 * What the pipeline needs to know about an audio to work on it.
 *
 * @param transcription the transcript so far: given with the upload, or written by the transcription step
 * @param duration      null until known
 */
public record PendingAudio(UUID id, UUID organizationId, UUID patientId, UUID userId, AudioStatus status,
        String noteType, String languageSpoken, AudioFormat format, long size, String storageKey,
        String transcription, Duration duration) {
}
