package org.notesync.bench;

import java.time.Duration;
import java.util.UUID;
import java.util.function.IntPredicate;

import org.HdrHistogram.Histogram;

/**
 * Matches a load's created notes with the receiver's arrivals (on the note's uuid, which is the
 * {@code new_note} event id): latency from the create's response to the webhook's arrival, how many
 * arrived, how many twice.
 */
record Deliveries(int expected, int delivered, long duplicates, int beforeResponse, Histogram latency,
        double perSecond) {

    int missing() {
        return expected - delivered;
    }

    /**
     * Waits until every note the run created for the chosen organizations has arrived, at most
     * {@code patience}, then measures.
     */
    static Deliveries await(Receiver receiver, OpenLoad.Run run, IntPredicate tenants, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        int expected = 0;
        for (int i = 0; i < run.total; i++) {
            if (run.notes[i] != null && tenants.test(run.tenantOf[i])) {
                expected++;
            }
        }
        int[] arrived = {0};
        int total = expected;
        try (Progress progress = Progress.of(() -> run.label + ": waiting for deliveries, " + arrived[0] + "/"
                + total + " arrived")) {
            int next = 0; // every note before this one has arrived
            while (true) {
                while (next < run.total && (run.notes[next] == null || !tenants.test(run.tenantOf[next])
                        || receiver.arrival(run.notes[next]) != null)) {
                    next++;
                }
                int count = 0;
                for (int i = 0; i < run.total; i++) {
                    if (run.notes[i] != null && tenants.test(run.tenantOf[i]) && receiver.arrival(run.notes[i]) != null) {
                        count++;
                    }
                }
                arrived[0] = count;
                if (next >= run.total || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return measure(receiver, run, tenants);
    }

    static Deliveries measure(Receiver receiver, OpenLoad.Run run, IntPredicate tenants) {
        Histogram latency = new Histogram(3_600_000_000L, 3);
        int expected = 0;
        int delivered = 0;
        int early = 0;
        long duplicates = 0;
        long lastArrival = run.firstSendNanos;
        for (int i = 0; i < run.total; i++) {
            UUID note = run.notes[i];
            if (note == null || !tenants.test(run.tenantOf[i])) {
                continue;
            }
            expected++;
            Receiver.Arrival arrival = receiver.arrival(note);
            if (arrival == null) {
                continue;
            }
            delivered++;
            duplicates += arrival.count.get() - 1;
            long micros = (arrival.firstNanos - run.respondedAt[i]) / 1000;
            if (micros < 0) {
                // The webhook can beat the create's response to the bench: the note commits, then both leave.
                early++;
                micros = 0;
            }
            latency.recordValue(micros);
            lastArrival = Math.max(lastArrival, arrival.firstNanos);
        }
        double window = (lastArrival - run.firstSendNanos) / 1e9;
        return new Deliveries(expected, delivered, duplicates, early, latency, window <= 0 ? 0 : delivered / window);
    }

    /** A latency in milliseconds, one decimal. */
    static String ms(long micros) {
        return String.format("%.1f", micros / 1000.0);
    }

    String p50() {
        return ms(latency.getValueAtPercentile(50));
    }

    String p95() {
        return ms(latency.getValueAtPercentile(95));
    }

    String p99() {
        return ms(latency.getValueAtPercentile(99));
    }

    String max() {
        return ms(latency.getMaxValue());
    }

    long p99Micros() {
        return latency.getValueAtPercentile(99);
    }
}
