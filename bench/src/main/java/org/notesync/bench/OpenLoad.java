package org.notesync.bench;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Creates notes through the API at a fixed rate, open loop: note {@code i} is sent at {@code start + i/rate}
 * whatever happened to the ones before, so a slow server cannot slow the load down and hide its own
 * latency (coordinated omission). Create latency is measured from the intended send time; at most
 * {@link #MAX_IN_FLIGHT} requests are outstanding, and waiting for one shows up as latency too.
 */
final class OpenLoad {

    static final int MAX_IN_FLIGHT = 512;

    /** Where note {@code i} goes. */
    interface Router {
        Target route(long i);
    }

    record Target(URI node, Tenants.Tenant tenant) {
    }

    /** One phase's notes and what the API answered; arrays indexed by note number. */
    static final class Run {
        final String label;
        final double rate;
        final int total;
        final UUID[] notes;
        final long[] respondedAt;
        final int[] tenantOf;
        final Histogram createLatency = new ConcurrentHistogram(3_600_000_000L, 3);
        final LongAdder created = new LongAdder();
        final LongAdder failed = new LongAdder();
        final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        final AtomicInteger sent = new AtomicInteger();
        volatile long firstSendNanos;
        volatile long lastSendNanos;
        volatile boolean aborted;

        Run(String label, double rate, int total) {
            this.label = label;
            this.rate = rate;
            this.total = total;
            this.notes = new UUID[total];
            this.respondedAt = new long[total];
            this.tenantOf = new int[total];
        }

        /** Notes created per second over the sending window. */
        double achievedRate() {
            long window = lastSendNanos - firstSendNanos;
            long n = created.sum();
            return window <= 0 || n < 2 ? n : (n - 1) * 1e9 / window;
        }

        int inFlight() {
            return (int) (sent.get() - created.sum() - failed.sum());
        }

        String failureSummary() {
            if (failures.isEmpty()) {
                return "";
            }
            StringBuilder text = new StringBuilder();
            failures.forEach((kind, n) -> text.append(text.length() == 0 ? "" : ", ").append(kind).append(" x")
                    .append(n.sum()));
            return text.toString();
        }
    }

    private OpenLoad() {
    }

    /**
     * Sends {@code total} notes at {@code rate} per second and returns once every answer is in (or
     * {@code patience} after the last send).
     */
    static Run run(Api api, String label, double rate, int total, Router router, Duration patience) {
        Run run = new Run(label, rate, total);
        Semaphore permits = new Semaphore(MAX_IN_FLIGHT);
        long periodNanos = (long) (1e9 / rate);
        long start = System.nanoTime() + 5_000_000L;
        long stopBy = start + (long) (total * 1e9 / rate) + patience.toNanos();
        run.firstSendNanos = start;
        try (Progress progress = Progress.of(() -> String.format("%s: sent %d/%d, created %d, failed %d, in flight %d",
                label, run.sent.get(), total, run.created.sum(), run.failed.sum(), run.inFlight()))) {
            for (int i = 0; i < total; i++) {
                long intended = start + i * periodNanos;
                long now;
                while ((now = System.nanoTime()) < intended) {
                    LockSupport.parkNanos(intended - now);
                }
                if (!permits.tryAcquire(Math.max(0, stopBy - now), TimeUnit.NANOSECONDS)) {
                    run.aborted = true;
                    break;
                }
                Target target = router.route(i);
                int index = i;
                run.tenantOf[i] = target.tenant().index();
                run.sent.incrementAndGet();
                run.lastSendNanos = System.nanoTime();
                try {
                    api.createNote(target.node(), target.tenant().token(), target.tenant().noteBody(i))
                            .whenComplete((response, error) -> {
                                long at = System.nanoTime();
                                try {
                                    answered(run, index, intended, at, response, error);
                                } finally {
                                    permits.release();
                                }
                            });
                } catch (RuntimeException e) {
                    permits.release();
                    fail(run, e.getClass().getSimpleName());
                }
            }
            // Every answer in (or given up on): acquiring all permits also publishes the callbacks' writes.
            long left = Math.max(0, stopBy - System.nanoTime()) + Duration.ofSeconds(35).toNanos();
            if (!permits.tryAcquire(MAX_IN_FLIGHT, left, TimeUnit.NANOSECONDS)) {
                run.aborted = true;
            } else {
                permits.release(MAX_IN_FLIGHT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.aborted = true;
        }
        return run;
    }

    private static void answered(Run run, int index, long intended, long at, HttpResponse<Void> response,
            Throwable error) {
        run.createLatency.recordValue(Math.max(0, (at - intended) / 1000));
        if (error != null) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            fail(run, cause.getClass().getSimpleName());
            return;
        }
        if (response.statusCode() != 201) {
            fail(run, "HTTP " + response.statusCode());
            return;
        }
        String location = response.headers().firstValue("location").orElse("");
        run.notes[index] = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
        run.respondedAt[index] = at;
        run.created.increment();
    }

    private static void fail(Run run, String kind) {
        run.failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
        run.failed.increment();
    }
}
