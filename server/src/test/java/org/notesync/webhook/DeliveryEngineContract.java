package org.notesync.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.notesync.delivery.AddressPolicy;
import org.notesync.delivery.AttemptRecord;
import org.notesync.delivery.DeliveryEngine;
import org.notesync.delivery.DeliveryStore;
import org.notesync.delivery.HttpWebhookSender;
import org.notesync.delivery.SendResult;
import org.notesync.delivery.WebhookSender;
import org.notesync.identity.SecretBox;
import org.notesync.support.ServerTest;
import org.notesync.support.SettableClock;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Several engines over one database, as several server nodes would run them: every event is delivered,
 * none twice while they are healthy, and a node that stalls holding leases loses nothing.
 * The application's own engine is stopped meanwhile, so only the engines under test deliver.
 */
@ServerTest
abstract class DeliveryEngineContract {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    SecretBox secrets;

    @Autowired
    DeliveryEngine applicationEngine;

    @Autowired
    Tenants tenants;

    @Autowired
    NoteFixture notes;

    @Autowired
    JdbcClient jdbc;

    private final Receiver receiver = new Receiver();
    private final List<DeliveryEngine> engines = new ArrayList<>();
    private final List<HttpWebhookSender> senders = new ArrayList<>();

    @BeforeEach
    void stopTheApplicationsEngine() {
        applicationEngine.stop(Duration.ofSeconds(6));
    }

    @AfterEach
    void restart() {
        engines.forEach(e -> e.stop(Duration.ofSeconds(1)));
        senders.forEach(HttpWebhookSender::close);
        receiver.close();
        applicationEngine.start();
    }

    @Test
    void twoEnginesDeliverTwoThousandEventsEachExactlyOnce() {
        Tenants.Tenant t = tenants.create();
        UUID webhook = webhook(t);
        notes.notes(t, notes.patient(t), 2000);

        DeliveryEngine.Settings settings = DeliveryEngine.Settings.defaults("a").withBatch(10, 256 * 1024)
                .withPollInterval(Duration.ofMillis(50));
        DeliveryEngine a = engine(settings.withNodeId("engine-a-" + UUID.randomUUID()), http(), Clock.systemUTC(),
                store());
        DeliveryEngine b = engine(settings.withNodeId("engine-b-" + UUID.randomUUID()), http(), Clock.systemUTC(),
                store());
        a.start();
        b.start();

        await().atMost(Duration.ofSeconds(120)).until(() -> succeeded(webhook) == 2000);
        List<String> ids = receiver.eventIds();
        assertThat(ids).hasSize(2000);
        assertThat(new HashSet<>(ids)).hasSize(2000);
        assertThat(jdbc.sql("""
                SELECT DISTINCT a.node_id FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
                WHERE d.webhook_id = ?""").param(webhook).query(String.class).list())
                .as("both engines took part").containsExactlyInAnyOrder(a.settings().nodeId(), b.settings().nodeId());
        assertThat(jdbc.sql("SELECT MAX(attempts) FROM webhook_deliveries WHERE webhook_id = ?").param(webhook)
                .query(Integer.class).single()).isEqualTo(1);
    }

    /** The stalled request's late answer is written alone (a success) or with the webhook's health (a failure). */
    @ParameterizedTest
    @ValueSource(ints = {500, 200})
    void whenAnEngineStallsHoldingLeasesAnotherDeliversAfterTheyExpire(int lateAnswer) {
        Tenants.Tenant t = tenants.create();
        UUID webhook = webhook(t);
        notes.notes(t, notes.patient(t), 20);

        CountDownLatch unstall = new CountDownLatch(1);
        WebhookSender stalled = (url, headers, body) -> {
            while (true) {
                try {
                    unstall.await();
                    return new SendResult.Answered(lateAnswer, null, null);
                } catch (InterruptedException e) {
                    // a stalled node ignores everything
                }
            }
        };
        AtomicInteger zombieWrites = new AtomicInteger();
        DeliveryStore zombieStore = new CountingStore(store(), webhook, zombieWrites);
        DeliveryEngine.Settings settings = DeliveryEngine.Settings.defaults("x")
                .withPollInterval(Duration.ofMillis(50));
        String zombieId = "engine-stalled-" + UUID.randomUUID();
        DeliveryEngine zombie = engine(settings.withNodeId(zombieId), stalled, Clock.systemUTC(), zombieStore);
        zombie.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> lockedBy(webhook, zombieId) == 20);

        SettableClock later = new SettableClock();
        DeliveryEngine survivor = engine(settings.withNodeId("engine-survivor-" + UUID.randomUUID()), http(), later,
                store());
        survivor.start();
        assertThat(lockedBy(webhook, zombieId)).as("leases still held").isEqualTo(20);
        zombie.stop(Duration.ZERO); // abruptly: its worker stays stuck in the request
        later.advance(settings.lease().plusSeconds(1));
        survivor.wake();

        await().atMost(Duration.ofSeconds(20)).until(() -> succeeded(webhook) == 20);
        assertThat(receiver.eventIds()).hasSize(20).doesNotHaveDuplicates();

        unstall.countDown(); // the stalled request finally ends: its late write must change nothing
        await().atMost(Duration.ofSeconds(10)).until(() -> zombieWrites.get() == 1);
        assertThat(succeeded(webhook)).isEqualTo(20);
        assertThat(jdbc.sql("""
                SELECT COUNT(*) FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
                WHERE d.webhook_id = ? AND a.node_id = ?""").params(webhook, zombieId).query(Long.class).single())
                .isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhooks WHERE id = ? AND failing_since IS NOT NULL")
                .param(webhook).query(Long.class).single()).as("the webhook's health untouched").isZero();
        assertThat(jdbc.sql("SELECT MAX(attempts) FROM webhook_deliveries WHERE webhook_id = ?").param(webhook)
                .query(Integer.class).single()).isEqualTo(1);
    }

    /**
     * A failure disables a webhook for failing too long only if the failing streak it was judged on still runs when
     * it is recorded: a success recorded by another node while the request was in flight ended it (so did a
     * re-activation), and the receiver had not been failing for days any more.
     */
    @Test
    void aFailureDisablesNoWebhookWhoseFailingStreakEndedWhileItWasInFlight() throws Exception {
        Tenants.Tenant t = tenants.create();
        String url = "http://127.0.0.1:9/streak-" + UUID.randomUUID();
        var created = t.api(port).post("/webhooks", Map.of("url", url, "events", List.of("new_note")));
        assertThat(created.status()).isEqualTo(201);
        UUID webhook = UUID.fromString(created.json().get("uuid").asString());
        jdbc.sql("UPDATE webhooks SET failing_since = ? WHERE id = ?")
                .params(JdbcDeliveryStore.utc(Instant.now().minus(Duration.ofDays(6))), webhook).update();
        notes.note(t, notes.patient(t), "sent as the receiver comes back");
        CountDownLatch sending = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        WebhookSender sender = (to, headers, body) -> {
            if (to.equals(url)) {
                sending.countDown();
                try {
                    answer.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new SendResult.Answered(500, null, null);
        };
        DeliveryEngine engine = engine(DeliveryEngine.Settings.defaults("streak-" + UUID.randomUUID())
                .withPollInterval(Duration.ofMillis(50)), sender, Clock.systemUTC(), store());
        engine.start();
        assertThat(sending.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // What another node's success records (JdbcDeliveryStore, Health.Recovered).
        jdbc.sql("UPDATE webhooks SET failing_since = NULL WHERE id = ?").param(webhook).update();
        answer.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql("""
                SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ? AND attempts > 0""")
                .param(webhook).query(Long.class).single() == 1);
        assertThat(jdbc.sql("SELECT active, disabled_reason, failing_since FROM webhooks WHERE id = ?").param(webhook)
                .query((rs, n) -> rs.getBoolean(1) + " " + rs.getString(2) + " " + (rs.getObject(3) != null))
                .single()).as("active, no reason, a new streak from this failure").isEqualTo("true null true");
    }

    private UUID webhook(Tenants.Tenant t) {
        var created = t.api(port).post("/webhooks", Map.of("url", receiver.url(), "events", List.of("new_note")));
        assertThat(created.status()).isEqualTo(201);
        return UUID.fromString(created.json().get("uuid").asString());
    }

    private long succeeded(UUID webhook) {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ? AND status = 'succeeded'")
                .param(webhook).query(Long.class).single();
    }

    private long lockedBy(UUID webhook, String node) {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ? AND locked_by = ?")
                .params(webhook, node).query(Long.class).single();
    }

    private JdbcDeliveryStore store() {
        return new JdbcDeliveryStore(dataSource, secrets);
    }

    private HttpWebhookSender http() {
        HttpWebhookSender sender = new HttpWebhookSender(new AddressPolicy(false, List.of("127.0.0.0/8")),
                Duration.ofSeconds(5), "notesync-webhooks/test", 32, Clock.systemUTC());
        senders.add(sender);
        return sender;
    }

    private DeliveryEngine engine(DeliveryEngine.Settings settings, WebhookSender sender, Clock clock,
            DeliveryStore store) {
        DeliveryEngine engine = new DeliveryEngine(store, sender, clock, settings, null);
        engines.add(engine);
        return engine;
    }

    /** Counts an engine's outcome writes for one webhook (it may hold other tests' leftovers too). */
    private record CountingStore(DeliveryStore delegate, UUID webhook, AtomicInteger writes) implements DeliveryStore {
        @Override
        public Claim claim(String owner, Instant now, Instant leaseUntil, int limit, Set<UUID> skipWebhooks) {
            return delegate.claim(owner, now, leaseUntil, limit, skipWebhooks);
        }

        @Override
        public void release(String owner, Collection<UUID> deliveryIds) {
            delegate.release(owner, deliveryIds);
        }

        @Override
        public void record(AttemptRecord record) {
            delegate.record(record);
            if (record.webhookId().equals(webhook)) {
                writes.incrementAndGet();
            }
        }
    }
}
