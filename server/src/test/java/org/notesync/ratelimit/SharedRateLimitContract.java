package org.notesync.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.notesync.ratelimit.TokenBucketsTest.SettableClock;
import org.notesync.support.ServerTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Two nodes' buckets on one database: what one node counted is taken from the other's budget once both have
 * synced, and concurrent syncs lose no request. Each node is a {@link TokenBuckets} of its own on the server's
 * database, with a clock of its own.
 */
@ServerTest
abstract class SharedRateLimitContract {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    final SettableClock clock = new SettableClock();

    TokenBuckets node(RateLimitProperties limits) {
        return new TokenBuckets(limits, clock, new SharedBuckets(dataSource));
    }

    static RateLimitProperties limits(long capacity) {
        return new RateLimitProperties(true, capacity, 1, Duration.ofHours(1), Duration.ofSeconds(1));
    }

    static String client() {
        return "client-" + UUID.randomUUID();
    }

    @Test
    void twoNodesGiveAClientItsBudgetOnceNotTwice() {
        TokenBuckets first = node(limits(10));
        TokenBuckets second = node(limits(10));
        String client = client();

        for (int i = 0; i < 6; i++) {
            assertThat(first.take(client).allowed()).isTrue();
        }
        first.sync();

        assertThat(second.take(client).remaining()).as("a node new to the client counts on its own until it syncs")
                .isEqualTo(9);
        second.sync();
        TokenBuckets.Decision fromShared = second.take(client);
        assertThat(fromShared.allowed()).isTrue();
        assertThat(fromShared.remaining()).as("then from what both took").isEqualTo(2);
        assertThat(fromShared.reset()).as("both nodes count the same refill period")
                .isEqualTo(first.take(client).reset());
        for (int i = 0; i < 2; i++) {
            assertThat(second.take(client).allowed()).isTrue();
        }
        assertThat(second.take(client).allowed()).isFalse();
        second.sync();
        first.sync();

        TokenBuckets.Decision refused = first.take(client);
        assertThat(refused.allowed()).as("the first node has taken back what the second took").isFalse();
        assertThat(refused.remaining()).isZero();
    }

    @Test
    void aNodeThatSyncsLaterTakesWhatBothCounted() {
        TokenBuckets first = node(limits(100));
        TokenBuckets second = node(limits(100));
        String client = client();

        for (int i = 0; i < 30; i++) {
            first.take(client);
            second.take(client);
        }
        first.sync();
        second.sync();
        first.sync();

        assertThat(new SharedBuckets(dataSource).read(client).orElseThrow().tokens()).isEqualTo(40);
        assertThat(first.take(client).remaining()).as("read back, though it had nothing to add").isEqualTo(39);
        assertThat(second.take(client).remaining()).as("the first node's take is not seen before a sync")
                .isEqualTo(39);
        first.sync();
        second.sync();
        assertThat(new SharedBuckets(dataSource).read(client).orElseThrow().tokens()).isEqualTo(38);
    }

    @Test
    void concurrentSyncsOnTwoNodesLoseNoRequest() throws Exception {
        List<TokenBuckets> nodes = List.of(node(limits(1_000_000)), node(limits(1_000_000)));
        String client = client();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                TokenBuckets node = nodes.get(t % 2);
                work.add(threads.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        node.take(client);
                        if (i % 25 == 0) {
                            node.sync();
                        }
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        nodes.forEach(TokenBuckets::sync);

        assertThat(new SharedBuckets(dataSource).read(client).orElseThrow().tokens()).isEqualTo(1_000_000 - 8 * 500);
    }

    /** A sync writes its buckets in batches of SharedBuckets.CHUNK: more clients than one batch, each counted once. */
    @Test
    void aSyncOfMoreClientsThanABatchCountsEachOnce() {
        TokenBuckets first = node(limits(10));
        TokenBuckets second = node(limits(10));
        List<String> clients = new ArrayList<>();
        for (int i = 0; i < SharedBuckets.CHUNK + 50; i++) {
            clients.add(client());
        }
        clients.forEach(first::take);
        first.sync();
        clients.forEach(c -> {
            second.take(c);
            first.take(c);
        });
        second.sync();
        first.sync();

        Map<String, TokenBuckets.State> shared = new HashMap<>();
        SharedBuckets buckets = new SharedBuckets(dataSource);
        for (int from = 0; from < clients.size(); from += 500) {
            shared.putAll(buckets.readAll(clients.subList(from, Math.min(clients.size(), from + 500))));
        }
        assertThat(shared).hasSize(clients.size());
        assertThat(shared.values()).allSatisfy(state -> assertThat(state.tokens()).isEqualTo(7));
    }

    @Test
    void theRefillIsCountedOnceWhicheverNodeSyncs() {
        RateLimitProperties limits = new RateLimitProperties(true, 10, 5, Duration.ofMinutes(15), Duration.ofSeconds(1));
        TokenBuckets first = node(limits);
        TokenBuckets second = node(limits);
        String client = client();
        for (int i = 0; i < 10; i++) {
            first.take(client);
        }
        first.sync();
        second.take(client);
        second.sync();
        assertThat(second.take(client).allowed()).isFalse();

        clock.now = clock.now.plus(Duration.ofMinutes(15));
        for (int i = 0; i < 2; i++) {
            assertThat(first.take(client).allowed()).isTrue();
            assertThat(second.take(client).allowed()).isTrue();
        }
        first.sync();
        second.sync();
        first.sync();
        assertThat(new SharedBuckets(dataSource).read(client).orElseThrow().tokens()).as("5 refilled, 4 taken").isEqualTo(1);
    }

    @Test
    void whatANodeCountedWhileTheDatabaseWasAwayIsAddedOnceItIsBack() throws Exception {
        AtomicBoolean away = new AtomicBoolean();
        DataSource flaky = new DelegatingDataSource(dataSource) {
            @Override
            public Connection getConnection() throws SQLException {
                if (away.get()) {
                    throw new SQLTransientConnectionException("away");
                }
                return super.getConnection();
            }
        };
        TokenBuckets node = new TokenBuckets(limits(10), clock, new SharedBuckets(flaky));
        String client = client();
        node.take(client);
        node.sync();
        away.set(true);
        assertThat(node.take(client).allowed()).as("a request is not refused for the database").isTrue();
        node.take(client);
        node.sync();
        node.take(client);
        away.set(false);
        node.sync();

        assertThat(new SharedBuckets(dataSource).read(client).orElseThrow().tokens()).isEqualTo(6);

        String unknown = client();
        away.set(true);
        assertThat(node.take(unknown).allowed()).as("nor for a client new to this node").isTrue();
        away.set(false);
        node.sync();
        assertThat(new SharedBuckets(dataSource).read(unknown).orElseThrow().tokens()).isEqualTo(9);
    }

    /**
     * A database that does not answer (a pool waiting for a connection, a network that drops packets) holds up no
     * request, not even a client's first on this node: the shared bucket is read by the next sync.
     */
    @Test
    void aRequestForAClientNewToThisNodeDoesNotWaitForTheDatabase() throws Exception {
        CountDownLatch answers = new CountDownLatch(1);
        DataSource hanging = new DelegatingDataSource(dataSource) {
            @Override
            public Connection getConnection() throws SQLException {
                try {
                    answers.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.getConnection();
            }
        };
        TokenBuckets node = new TokenBuckets(limits(10), clock, new SharedBuckets(hanging));
        try {
            TokenBuckets.Decision first = CompletableFuture.supplyAsync(() -> node.take(client()))
                    .get(5, TimeUnit.SECONDS);
            assertThat(first.allowed()).isTrue();
        } finally {
            answers.countDown();
        }
    }

    @Test
    void bucketsLeftAloneUntilFullAgainAreForgotten() {
        TokenBuckets node = node(limits(10));
        String idle = client();
        node.take(idle);
        node.sync();
        SharedBuckets shared = new SharedBuckets(dataSource);

        shared.forget(clock.now);
        assertThat(shared.read(idle)).as("its period started at the forget's limit, not before").isPresent();
        shared.forget(clock.now.plus(Duration.ofSeconds(1)));
        assertThat(shared.read(idle)).isEmpty();
    }

    @Test
    void theClientIsKeptByAHashNotAsItIs() {
        TokenBuckets node = node(limits(10));
        String clinician = "clinician-" + UUID.randomUUID() + "@example.org";
        node.take(clinician);
        node.sync();
        assertThat(jdbc.sql("SELECT count(*) FROM rate_limit_buckets WHERE client_hash LIKE ?")
                .param("%" + clinician.substring(10, 20) + "%").query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM rate_limit_buckets WHERE client_hash = ?")
                .param(SharedBuckets.hash(clinician)).query(Long.class).single()).isEqualTo(1);
    }
}
