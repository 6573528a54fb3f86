package org.notesync.note;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.function.Predicate;

import io.micrometer.core.instrument.DistributionSummary;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit: callers hand in an item and wait; each of a few writer threads takes what is queued (up
 * to {@code maxBatch}) and writes it in one transaction, so concurrent creates share their statements'
 * round trips and one commit instead of paying for their own. When nothing is queued, an item is taken
 * at once and written alone, so an idle server adds only a thread hand-off. A caller returns after the
 * commit that holds its item, so nothing is acknowledged before it is durable.
 *
 * <p>If a batch's transaction fails, its items are written again one per transaction, so an item that
 * fails (a row a constraint refuses) fails alone and takes no other caller's item with it; unless the
 * failure is one every item would meet ({@code shared}: the database cannot be reached), which fails
 * the whole batch at once rather than making each caller wait for its own failure in turn.
 *
 * @param <T> what a caller hands in
 * @param <R> what the caller gets back, one per item and in the same order
 */
final class GroupCommit<T, R> implements AutoCloseable {

    private record Pending<T, R>(T item, CompletableFuture<R> result) {
    }

    private final BlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
    private final TransactionTemplate transaction;
    private final Function<List<T>, List<R>> write;
    private final Predicate<Throwable> shared;
    private final DistributionSummary batchSizes;
    private final int maxBatch;
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param write  writes items inside the transaction it is called in and returns one result per item
     * @param shared     whether a batch's failure would be every item's, so retrying them alone is pointless
     * @param batchSizes records the items of each batch taken from the queue
     */
    GroupCommit(String name, int writerThreads, int maxBatch, TransactionTemplate transaction,
            Function<List<T>, List<R>> write, Predicate<Throwable> shared, DistributionSummary batchSizes) {
        if (writerThreads < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("writer threads and batch size must be positive");
        }
        this.transaction = transaction;
        this.write = write;
        this.shared = shared;
        this.batchSizes = batchSizes;
        this.maxBatch = maxBatch;
        for (int i = 1; i <= writerThreads; i++) {
            Thread thread = new Thread(this::writeLoop, name + "-writer-" + i);
            thread.setDaemon(true);
            writers.add(thread);
            thread.start();
        }
    }

    /**
     * Writes the item in a transaction shared with whatever else is queued, and returns its result once
     * that transaction has committed; rethrows what writing it threw.
     */
    R submit(T item) {
        if (closed) {
            throw new IllegalStateException("The server is shutting down");
        }
        Pending<T, R> pending = new Pending<>(item, new CompletableFuture<>());
        queue.add(pending);
        if (closed) {
            failQueued(); // closed meanwhile: the writers may be gone
        }
        try {
            return pending.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Items waiting for a writer. */
    int queued() {
        return queue.size();
    }

    private void writeLoop() {
        List<Pending<T, R>> batch = new ArrayList<>(maxBatch);
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, maxBatch - 1);
            batchSizes.record(batch.size());
            write(batch);
            batch.clear();
        }
        failQueued();
    }

    private void write(List<Pending<T, R>> batch) {
        try {
            List<R> results = transaction.execute(tx -> write.apply(batch.stream().map(Pending::item).toList()));
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1 || shared.test(e)) {
                batch.forEach(pending -> pending.result().completeExceptionally(e));
            } else {
                for (Pending<T, R> pending : batch) {
                    write(List.of(pending));
                }
            }
        }
    }

    private void failQueued() {
        for (Pending<T, R> pending = queue.poll(); pending != null; pending = queue.poll()) {
            pending.result().completeExceptionally(new IllegalStateException("The server is shutting down"));
        }
    }

    @Override
    public void close() {
        closed = true;
        writers.forEach(Thread::interrupt);
        failQueued();
    }
}
