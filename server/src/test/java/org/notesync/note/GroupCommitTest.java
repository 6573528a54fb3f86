package org.notesync.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.SimpleTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

class GroupCommitTest {

    /** Counts transactions and their outcomes; a write that throws rolls its transaction back. */
    static final class CountingTransactions implements PlatformTransactionManager {
        final AtomicInteger commits = new AtomicInteger();
        final AtomicInteger rollbacks = new AtomicInteger();

        @Override
        public TransactionStatus getTransaction(TransactionDefinition definition) {
            return new SimpleTransactionStatus();
        }

        @Override
        public void commit(TransactionStatus status) {
            commits.incrementAndGet();
        }

        @Override
        public void rollback(TransactionStatus status) {
            rollbacks.incrementAndGet();
        }
    }

    private final CountingTransactions transactions = new CountingTransactions();
    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    private final DistributionSummary batchSizes = DistributionSummary.builder("batch")
            .register(new SimpleMeterRegistry());

    private final CountDownLatch firstStarted = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    /**
     * One writer thread; a batch holding the item "first" waits in its transaction until {@link #release}
     * counts down, so that the test can queue items behind it.
     */
    private GroupCommit<String, String> groupCommit(Function<List<String>, List<String>> write) {
        return new GroupCommit<>("test", 1, 64, new TransactionTemplate(transactions), items -> {
            batches.add(List.copyOf(items));
            if (items.contains("first")) {
                firstStarted.countDown();
                await(release);
                return items;
            }
            return write.apply(items);
        }, e -> e instanceof CannotGetJdbcConnectionException, batchSizes);
    }

    /** Submits "first" and returns once its transaction holds the one writer. */
    private CompletableFuture<String> first(GroupCommit<String, String> group) throws InterruptedException {
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> group.submit("first"));
        assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        return first;
    }

    @Test
    void itemsQueuedWhileATransactionRunsShareTheNextOneAndEachCallerGetsItsOwnResult() throws Exception {
        try (GroupCommit<String, String> group = groupCommit(items -> {
            return items.stream().map(String::toUpperCase).toList();
        })) {
            CompletableFuture<String> first = first(group);
            List<CompletableFuture<String>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String item = "item-" + i;
                queued.add(CompletableFuture.supplyAsync(() -> group.submit(item)));
            }
            waitUntilQueued(group, 5);
            release.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
            for (int i = 0; i < 5; i++) {
                assertThat(queued.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("ITEM-" + i);
            }
            assertThat(batches).hasSize(2);
            assertThat(batches.get(1)).containsExactlyInAnyOrder("item-0", "item-1", "item-2", "item-3", "item-4");
            assertThat(transactions.commits).hasValue(2);
            assertThat(batchSizes.count()).as("batches taken from the queue").isEqualTo(2);
            assertThat(batchSizes.max()).isEqualTo(5);
        }
    }

    @Test
    void anItemThatFailsItsBatchIsWrittenAloneAndFailsWithoutTheOthers() throws Exception {
        try (GroupCommit<String, String> group = groupCommit(items -> {
            if (items.contains("bad")) {
                throw new IllegalStateException("refused by a constraint");
            }
            return items.stream().map(String::toUpperCase).toList();
        })) {
            CompletableFuture<String> first = first(group);
            CompletableFuture<String> good = CompletableFuture.supplyAsync(() -> group.submit("good"));
            waitUntilQueued(group, 1);
            CompletableFuture<String> bad = CompletableFuture.supplyAsync(() -> group.submit("bad"));
            waitUntilQueued(group, 2);
            CompletableFuture<String> other = CompletableFuture.supplyAsync(() -> group.submit("other"));
            waitUntilQueued(group, 3);
            release.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
            assertThat(good.get(10, TimeUnit.SECONDS)).isEqualTo("GOOD");
            assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo("OTHER");
            assertThatThrownBy(() -> bad.join()).hasCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("refused by a constraint");
            // first; good+bad+other (rolled back); then each alone: good, bad (rolled back), other
            assertThat(batches).containsExactly(List.of("first"), List.of("good", "bad", "other"), List.of("good"),
                    List.of("bad"), List.of("other"));
            assertThat(transactions.commits).hasValue(3);
            assertThat(transactions.rollbacks).hasValue(2);
        }
    }

    @Test
    void aBatchThatFailsBecauseTheDatabaseIsUnreachableFailsAtOnceWithoutWritingEachItemAlone() throws Exception {
        try (GroupCommit<String, String> group = groupCommit(items -> {
            throw new CannotGetJdbcConnectionException("PostgreSQL is restarting");
        })) {
            CompletableFuture<String> first = first(group);
            List<CompletableFuture<String>> queued = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String item = "item-" + i;
                queued.add(CompletableFuture.supplyAsync(() -> group.submit(item)));
            }
            waitUntilQueued(group, 3);
            release.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
            for (CompletableFuture<String> q : queued) {
                assertThatThrownBy(() -> q.get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(CannotGetJdbcConnectionException.class);
            }
            assertThat(batches).as("one attempt for the three, none alone").hasSize(2);
        }
    }

    @Test
    void aCallerGetsTheExceptionItsWriteThrew() {
        try (GroupCommit<String, String> group = groupCommit(items -> {
            throw new IllegalArgumentException("no such patient");
        })) {
            assertThatThrownBy(() -> group.submit("x")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no such patient");
        }
    }

    @Test
    void closingFailsWhatIsStillQueuedAndRefusesMore() throws Exception {
        GroupCommit<String, String> group = groupCommit(items -> items);
        CompletableFuture<String> first = first(group);
        CompletableFuture<String> queued = CompletableFuture.supplyAsync(() -> group.submit("queued"));
        waitUntilQueued(group, 1);

        group.close();
        release.countDown();

        assertThatThrownBy(() -> queued.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> group.submit("late")).isInstanceOf(IllegalStateException.class);
        first.handle((r, e) -> null).get(10, TimeUnit.SECONDS); // answered either way, never left waiting
    }

    private static void waitUntilQueued(GroupCommit<?, ?> group, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (group.queued() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(group.queued()).isEqualTo(count);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
