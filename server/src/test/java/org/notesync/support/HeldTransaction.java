package org.notesync.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * Another session's transaction, begun by {@link #begin}, that has done its work and holds its locks until
 * {@link #commit}: for tests of what a request does while a concurrent write is in flight.
 */
public final class HeldTransaction implements AutoCloseable {

    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final CountDownLatch done = new CountDownLatch(1);
    private final CountDownLatch commit = new CountDownLatch(1);
    private final Future<?> transaction;

    private HeldTransaction(TransactionTemplate transactions, Runnable work) {
        transaction = thread.submit(() -> transactions.executeWithoutResult(tx -> {
            work.run();
            done.countDown();
            try {
                assertThat(commit.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    /** Runs {@code work} in a transaction of its own and returns once it is done, its locks held. */
    public static HeldTransaction begin(TransactionTemplate transactions, Runnable work) throws Exception {
        HeldTransaction held = new HeldTransaction(transactions, work);
        if (!held.done.await(30, TimeUnit.SECONDS)) {
            held.transaction.get(1, TimeUnit.SECONDS); // its failure, if it failed
            throw new AssertionError("the held transaction did not do its work within 30 s");
        }
        return held;
    }

    /** Commits it and waits for the commit. */
    public void commit() throws Exception {
        commit.countDown();
        transaction.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        commit.countDown();
        thread.shutdownNow();
    }
}
