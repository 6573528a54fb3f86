package org.notesync.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** The store contract in memory, for unit tests of the engine: leases and fencing as the SQL store does. */
final class InMemoryDeliveryStore implements DeliveryStore {

    static final class Row {
        final UUID id;
        final UUID webhookId;
        final Instant createdAt;
        final String payload;
        int attempts;
        AttemptRecord.State state = AttemptRecord.State.PENDING;
        Instant nextAttemptAt;
        String lockedBy;
        Instant lockedUntil;
        final List<Instant> attemptTimes = new ArrayList<>();

        Row(UUID id, UUID webhookId, Instant createdAt, String payload) {
            this.id = id;
            this.webhookId = webhookId;
            this.createdAt = createdAt;
            this.payload = payload;
            this.nextAttemptAt = createdAt;
        }
    }

    private final Map<UUID, Row> rows = new LinkedHashMap<>();
    private final Map<UUID, Endpoint> endpoints = new HashMap<>();
    final List<AttemptRecord> records = new ArrayList<>();
    final AtomicInteger claims = new AtomicInteger();
    /** The order a claim returns its rows in; PostgreSQL's UPDATE ... RETURNING promises none. */
    Comparator<Row> claimOrder = Comparator.comparing(r -> r.nextAttemptAt);

    synchronized void webhook(Endpoint endpoint) {
        endpoints.put(endpoint.webhookId(), endpoint);
    }

    synchronized Row add(UUID webhookId, Instant at, String eventId) {
        // The engine reads the clock to the microsecond, as the database stores it.
        Row row = new Row(UUID.randomUUID(), webhookId, at.truncatedTo(java.time.temporal.ChronoUnit.MICROS),
                "{\"id\":\"" + eventId + "\"}");
        rows.put(row.id, row);
        return row;
    }

    synchronized Row row(UUID id) {
        return rows.get(id);
    }

    synchronized List<Row> rows() {
        return List.copyOf(rows.values());
    }

    @Override
    public synchronized Claim claim(String owner, Instant now, Instant leaseUntil, int limit,
            Set<UUID> skipWebhooks) {
        claims.incrementAndGet();
        List<PendingDelivery> claimed = new ArrayList<>();
        Map<UUID, Endpoint> found = new HashMap<>();
        rows.values().stream()
                .filter(r -> r.state == AttemptRecord.State.PENDING && !r.nextAttemptAt.isAfter(now))
                .filter(r -> r.lockedUntil == null || r.lockedUntil.isBefore(now))
                .filter(r -> !skipWebhooks.contains(r.webhookId))
                .sorted(Comparator.comparing(r -> r.nextAttemptAt))
                .limit(limit)
                .sorted(claimOrder)
                .forEach(r -> {
                    r.lockedBy = owner;
                    r.lockedUntil = leaseUntil;
                    claimed.add(new PendingDelivery(r.id, r.webhookId, r.attempts, 0, r.createdAt, r.payload));
                    found.put(r.webhookId, endpoints.get(r.webhookId));
                });
        return new Claim(claimed, found);
    }

    @Override
    public synchronized void release(String owner, Collection<UUID> deliveryIds) {
        deliveryIds.forEach(id -> {
            Row r = rows.get(id);
            if (owner.equals(r.lockedBy)) {
                r.lockedBy = null;
                r.lockedUntil = null;
            }
        });
    }

    @Override
    public synchronized void record(AttemptRecord record) {
        records.add(record);
        for (AttemptRecord.Transition t : record.transitions()) {
            for (UUID id : t.deliveryIds()) {
                Row r = rows.get(id);
                if (!record.owner().equals(r.lockedBy)) {
                    continue; // fenced: the lease was lost
                }
                r.attempts++;
                r.attemptTimes.add(record.attemptedAt());
                r.state = t.state();
                r.nextAttemptAt = t.nextAttemptAt();
                r.lockedBy = null;
                r.lockedUntil = null;
            }
        }
        if (record.health() instanceof AttemptRecord.Health.Disable) {
            Endpoint e = endpoints.get(record.webhookId());
            endpoints.put(e.webhookId(), new Endpoint(e.webhookId(), e.url(), false, e.signingKeys(), e.failingSince()));
        }
    }
}
