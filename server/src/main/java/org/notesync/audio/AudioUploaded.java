package org.notesync.audio;

import java.util.UUID;

/**
 * Published inside the transaction that stores a new audio, so the pipeline queues its first step in
 * that same transaction: an audio never commits without its work.
 */
public record AudioUploaded(UUID audioId, UUID organizationId) {
}
