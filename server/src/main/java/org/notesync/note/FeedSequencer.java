package org.notesync.note;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

import org.notesync.logging.LoggedErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Numbers note changes. Sequence values are assigned under a lock on the single {@code feed_sequencer}
 * row, held to the commit of the transaction that takes them, so the numbers of one run (or of one
 * create's transaction) commit before the next can take any: a reader that has seen number N will
 * never later find a change numbered below N. A note that changes again loses its number and gets a
 * new, higher one.
 *
 * <p>The API's creates take their numbers themselves, in their own transaction, under the same lock
 * ({@link #LOCK}, {@link #NEXT}): a note is then written once instead of written and then rewritten, in
 * every one of its indexes, for its number. Their transactions are short (the group commit's), so holding
 * the lock to their commit costs the others little.
 *
 * <p>Any other change committed on this node is numbered by its id as soon as it commits ({@link #wake(UUID)}:
 * primary-key updates). A timer numbers, by scanning, whatever is still unnumbered: changes committed by
 * other nodes, and any whose wake-up was lost (a failed run, a crash between commit and run). Scanning on
 * every commit instead cost more than the note's own insert on PostgreSQL, because the scan walks the
 * index entries every numbered note left behind until vacuum removes them (docs/PERFORMANCE.md).
 */
final class FeedSequencer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FeedSequencer.class);

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final TransactionTemplate transaction;
    private final ScheduledExecutorService executor;
    private final String lock;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean scanScheduled = new AtomicBoolean();
    private final Queue<UUID> committed = new ConcurrentLinkedQueue<>();

    /** Taken before any number, held to the commit: numbers commit in the order they were taken. */
    static final String LOCK = "SELECT id FROM feed_sequencer WHERE id = 1 FOR UPDATE";

    /**
     * How long a transaction holding {@link #LOCK} may sit idle before PostgreSQL ends its session, and so frees the
     * lock: the creates of every node wait for it, and the session of a node that stopped mid-transaction (paused,
     * frozen, cut off) otherwise lived until TCP gave up on it, hours later. Such a transaction is a few
     * milliseconds of statements.
     */
    static final Duration IDLE_LIMIT = Duration.ofSeconds(10);

    /** {@link #LOCK} as a database takes it: on PostgreSQL with {@link #IDLE_LIMIT} set for its transaction too. */
    static String lock(boolean postgres) {
        return postgres ? "SELECT f.id FROM feed_sequencer f, set_config('idle_in_transaction_session_timeout', '"
                + IDLE_LIMIT.toMillis() + "', true) s WHERE f.id = 1 FOR UPDATE OF f" : LOCK;
    }

    /** The next number, under {@link #LOCK} only. */
    static final String NEXT = "nextval('note_feed_seq')";

    /**
     * The last number the sequence handed out, committed or not: no reader can have seen a higher one. Read
     * without a lock (sequences are not transactional), unlike the notes' highest number, which falls while a
     * note changed again waits for its new one.
     */
    static String lastTaken(boolean postgres) {
        // PostgreSQL: a function that needs only the USAGE a role taking numbers has; null before the first
        // number, and after a setval(..., false), read as 0: a reader then reads the feed again from its start,
        // which costs it duplicates it skips, where leaving its cursor could skip changes.
        // H2: the name in any case, as a database URL without DATABASE_TO_LOWER stores it in upper case.
        return postgres
                ? "SELECT COALESCE(pg_sequence_last_value('note_feed_seq'::regclass), 0)"
                : "SELECT base_value - 1 FROM information_schema.sequences WHERE sequence_schema = CURRENT_SCHEMA"
                        + " AND LOWER(sequence_name) = 'note_feed_seq'";
    }

    /**
     * Rows another transaction holds are left for a later run: a patient's change of hands drops its notes'
     * numbers under their row locks, and a note it holds must be numbered after it commits, not before (a
     * reader who could not see the note would pass that number for good). Waiting for it instead would hold
     * {@link #LOCK}, and every create with it, for the rest of that transaction.
     */
    static final String UNLOCKED = "FOR UPDATE SKIP LOCKED";

    /** The most ids one statement numbers. */
    static final int BATCH = 500;

    FeedSequencer(JdbcClient jdbc, JdbcTemplate batch, TransactionTemplate transaction, long fallbackMillis,
            boolean postgres) {
        this.jdbc = jdbc;
        this.lock = lock(postgres);
        this.batch = batch;
        this.transaction = transaction;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "note-feed-sequencer");
            t.setDaemon(true);
            return t;
        });
        // The fallback catches changes committed by other nodes, and anything a lost wake-up left behind.
        executor.scheduleWithFixedDelay(this::runQuietly, fallbackMillis, fallbackMillis, TimeUnit.MILLISECONDS);
    }

    /** A change to this note has committed: number it soon; several calls before the run make one run. */
    void wake(UUID noteId) {
        committed.add(noteId);
        if (scheduled.compareAndSet(false, true)) {
            executor.execute(() -> {
                scheduled.set(false);
                try {
                    numberCommitted();
                } catch (RuntimeException e) {
                    log.warn("Note feed sequencing failed; the next scan numbers what is left: {}",
                            LoggedErrors.summary(e));
                }
            });
        }
    }

    /**
     * Numbers whatever is unnumbered soon, by a scan on the sequencer's thread; several calls before the scan
     * starts make one scan (a clinician's patients handed over one by one would queue a scan each).
     */
    void scanSoon() {
        if (scanScheduled.compareAndSet(false, true)) {
            executor.execute(() -> {
                scanScheduled.set(false);
                runQuietly();
            });
        }
    }

    /** Numbers the changes this node has seen commit, by id; returns how many got a number. */
    int numberCommitted() {
        int numbered = 0;
        List<UUID> ids = new ArrayList<>(BATCH);
        for (UUID id = committed.poll(); id != null; id = committed.poll()) {
            ids.add(id);
            if (ids.size() == BATCH) {
                numbered += number(ids);
                ids.clear();
            }
        }
        return ids.isEmpty() ? numbered : numbered + number(ids);
    }

    private int number(List<UUID> ids) {
        // One primary-key statement per id, sent as one batch: an IN list of varying length is a new
        // statement for every length, and PostgreSQL planned the short ones worse than one id at a time.
        return numberUnderLock(() -> {
            int[] counts = batch.batchUpdate(
                    "UPDATE notes SET feed_seq = " + NEXT + " WHERE id IN (SELECT id FROM notes WHERE id = ?"
                            + " AND feed_seq IS NULL " + UNLOCKED + ")",
                    ids.stream().map(id -> new Object[] {id}).toList());
            int count = 0;
            for (int c : counts) {
                count += Math.max(c, 0);
            }
            return count;
        });
    }

    /** Numbers every committed change that has no number yet, wherever it was committed; returns how many. */
    int run() {
        committed.clear();
        return numberUnderLock(() -> jdbc.sql(
                "UPDATE notes SET feed_seq = " + NEXT + " WHERE id IN (SELECT id FROM notes WHERE feed_seq IS NULL "
                        + UNLOCKED + ")").update());
    }

    private int numberUnderLock(IntSupplier numbering) {
        Integer numbered = transaction.execute(tx -> {
            jdbc.sql(lock).query(Integer.class).single();
            return numbering.getAsInt();
        });
        return numbered == null ? 0 : numbered;
    }

    private void runQuietly() {
        try {
            run();
        } catch (RuntimeException e) {
            log.warn("Note feed sequencing failed; it will be retried: {}", LoggedErrors.summary(e));
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
