package org.notesync.delivery;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A webhook as the engine needs it.
 *
 * @param signingKeys  the current key first, then the previous one while a rotation overlaps
 * @param failingSince start of the current run of failures, null when the last attempt succeeded
 */
public record Endpoint(UUID webhookId, String url, boolean active, List<byte[]> signingKeys, Instant failingSince) {
}
