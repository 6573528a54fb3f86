package org.notesync;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A gauge of a count read from the database, counted at most every {@code every} however often it is scraped, on
 * a thread of its own: a scrape reads the last count and never waits for the database. Counted on the scraping
 * thread, a scrape while PostgreSQL was unreachable waited the pool's 30 s for a connection, longer than
 * Prometheus waits, and the node's every metric went missing when most needed.
 */
public final class BackgroundCount {

    private final String thread;
    private final LongSupplier count;
    private final long everyNanos;
    private final AtomicLong value = new AtomicLong();
    private final AtomicLong countedAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicBoolean counting = new AtomicBoolean();

    private BackgroundCount(String thread, LongSupplier count, Duration every) {
        this.thread = thread;
        this.count = count;
        this.everyNanos = every.toNanos();
    }

    /** Registers the gauge {@code name}, whose counts run on threads named {@code thread}. */
    public static Gauge register(MeterRegistry meters, String name, String description, String thread,
            LongSupplier count, Duration every) {
        BackgroundCount gauge = new BackgroundCount(thread, count, every);
        return Gauge.builder(name, gauge::read).description(description).register(meters);
    }

    /** The last count (0 before the first one ends), starting another in the background when it is stale. */
    private long read() {
        long now = System.nanoTime();
        long last = countedAt.get();
        if ((last == Long.MIN_VALUE || now - last > everyNanos) && counting.compareAndSet(false, true)) {
            countedAt.set(now);
            Thread counter = new Thread(() -> {
                try {
                    value.set(count.getAsLong());
                } catch (RuntimeException e) {
                    // keep the last known count while the database is unreachable
                } finally {
                    counting.set(false);
                }
            }, thread);
            counter.setDaemon(true);
            counter.start();
        }
        return value.get();
    }
}
