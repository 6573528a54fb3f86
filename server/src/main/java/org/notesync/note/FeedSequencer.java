package org.notesync.note;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Numbers committed note changes in the order the sequencer sees them, which is never before their
 * commit. Sequence values are assigned under a lock on the single {@code feed_sequencer} row, so the
 * numbers of one run commit before the next run can take any: a reader that has seen number N will
 * never later find a change numbered below N. A note that changes again loses its number and gets a
 * new, higher one.
 */
final class FeedSequencer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FeedSequencer.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean scheduled = new AtomicBoolean();

    FeedSequencer(JdbcClient jdbc, TransactionTemplate transaction, Clock clock, long fallbackMillis) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "note-feed-sequencer");
            t.setDaemon(true);
            return t;
        });
        // The fallback catches changes committed by other nodes, and anything a lost wake-up left behind.
        executor.scheduleWithFixedDelay(this::runQuietly, fallbackMillis, fallbackMillis, TimeUnit.MILLISECONDS);
    }

    /** Asks for a run soon; several calls before it starts make one run. */
    void wake() {
        if (scheduled.compareAndSet(false, true)) {
            executor.execute(() -> {
                scheduled.set(false);
                runQuietly();
            });
        }
    }

    /** Numbers every committed change that has no number yet; returns how many. */
    int run() {
        Integer numbered = transaction.execute(tx -> {
            jdbc.sql("SELECT id FROM feed_sequencer WHERE id = 1 FOR UPDATE").query(Integer.class).single();
            int count = jdbc.sql("UPDATE notes SET feed_seq = nextval('note_feed_seq') WHERE feed_seq IS NULL")
                    .update();
            if (count > 0) {
                jdbc.sql("UPDATE feed_sequencer SET last_run_at = ? WHERE id = 1")
                        .param(clock.instant().atOffset(ZoneOffset.UTC)).update();
            }
            return count;
        });
        return numbered == null ? 0 : numbered;
    }

    private void runQuietly() {
        try {
            run();
        } catch (RuntimeException e) {
            log.warn("Note feed sequencing failed; it will be retried: {}", e.toString());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
