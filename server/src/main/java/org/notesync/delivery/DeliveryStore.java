package org.notesync.delivery;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The queue of deliveries the engine works from. Implementations must make {@link #claim} safe for
 * several engines at once (no row handed to two live leases) and must fence {@link #record} and
 * {@link #release} on the owner, so an engine whose lease expired cannot overwrite its successor.
 */
public interface DeliveryStore {

    /**
     * Leases up to {@code limit} pending deliveries due at {@code now} whose lease is free or expired,
     * oldest due first, skipping the given webhooks (those this node is already saturating), and reads the
     * webhooks they go to as they are at {@code now}.
     */
    Claim claim(String owner, Instant now, Instant leaseUntil, int limit, Set<UUID> skipWebhooks);

    /** Gives back leases this node will not use now, so other nodes can take them at once. */
    void release(String owner, Collection<UUID> deliveryIds);

    /** Writes one request's outcome: its log rows, its deliveries' new states, the webhook's health. */
    void record(AttemptRecord record);

    /**
     * What one claim leased: the deliveries, oldest due first, and every webhook they go to (read with the
     * lease: a webhook changed before the claim is sent to as changed).
     */
    record Claim(List<PendingDelivery> deliveries, Map<UUID, Endpoint> endpoints) {

        public static final Claim NONE = new Claim(List.of(), Map.of());

        public boolean isEmpty() {
            return deliveries.isEmpty();
        }
    }
}
