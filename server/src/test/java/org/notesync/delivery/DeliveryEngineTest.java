package org.notesync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.notesync.support.Http;
import org.notesync.support.SettableClock;
import tools.jackson.databind.JsonNode;

/** The engine's core over an in-memory store and a scripted sender, on a settable clock. */
class DeliveryEngineTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** A poll interval no test waits for: what it sees was sent on a wake. */
    private static final Duration NO_POLL = Duration.ofHours(1);

    private final SettableClock clock = new SettableClock().freeze();

    {
        clock.advance(Duration.ofNanos(1000 - clock.instant().getNano() % 1000)); // whole microseconds
    }
    private final InMemoryDeliveryStore store = new InMemoryDeliveryStore();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private DeliveryEngine engine;

    record Sent(String url, Map<String, String> headers, JsonNode body) {
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void failedAttemptsAreRetriedAfter5Then10Then20SecondsThenTheDeliveryFails() {
        UUID webhook = webhook("http://receiver/a");
        InMemoryDeliveryStore.Row row = store.add(webhook, clock.instant(), "e1");
        start(DeliveryEngine.Settings.defaults("n1"), (url, headers, body) -> new SendResult.Answered(500, "", null));
        Instant t0 = clock.instant();

        for (int[] step : new int[][] {{1, 5}, {2, 10}, {3, 20}}) {
            await().atMost(WAIT).until(() -> store.row(row.id).attempts == step[0]);
            assertThat(store.row(row.id).state).isEqualTo(AttemptRecord.State.PENDING);
            clock.advance(Duration.ofSeconds(step[1] - 1));
            engine.wake();
            assertThat(store.row(row.id).attempts).as("not before its time").isEqualTo(step[0]);
            clock.advance(Duration.ofSeconds(1));
            engine.wake();
        }
        await().atMost(WAIT).until(() -> store.row(row.id).state == AttemptRecord.State.FAILED);
        assertThat(store.row(row.id).attemptTimes).containsExactly(t0, t0.plusSeconds(5), t0.plusSeconds(15),
                t0.plusSeconds(35));
        assertThat(sent).hasSize(4);
        assertThat(sent).extracting(s -> s.headers().get("webhook-id")).containsOnly(sent.get(0).headers()
                .get("webhook-id"));
    }

    /**
     * A retry comes due while nothing wakes the dispatcher and its poll is an hour away: the node that
     * scheduled it wakes for it by itself (before, it was found at the next poll, up to an interval late).
     */
    @Test
    void aRetryIsSentWhenItComesDueWithoutWaitingForThePoll() {
        UUID webhook = webhook("http://receiver/a");
        InMemoryDeliveryStore.Row row = store.add(webhook, clock.instant(), "e1");
        clock.reset(); // real time: the dispatcher parks in it
        DeliveryEngine.Settings settings = retryingAfter(Duration.ofMillis(300));
        start(settings, NO_POLL, (url, headers, body) -> new SendResult.Answered(sent.size() == 1 ? 500 : 204,
                "", null));
        engine.wake();
        await().atMost(WAIT).until(() -> store.row(row.id).state == AttemptRecord.State.SUCCEEDED);
        assertThat(store.row(row.id).attempts).isEqualTo(2);
    }

    /** Two retries outstanding: the later one, scheduled second, is not forgotten when the first is sent. */
    @Test
    void everyRetryScheduledIsWokenForNotOnlyTheEarliest() {
        clock.reset();
        DeliveryEngine.Settings settings = retryingAfter(Duration.ofSeconds(1));
        Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
        start(settings, NO_POLL, (url, headers, body) -> new SendResult.Answered(
                answered.computeIfAbsent(url, u -> new AtomicInteger()).getAndIncrement() == 0 ? 500 : 204, "", null));
        InMemoryDeliveryStore.Row early = store.add(webhook("http://receiver/early"), clock.instant(), "e1");
        engine.wake();
        await().atMost(WAIT).until(() -> store.row(early.id).attempts == 1);
        sleep(300); // the second retry falls due well after the first
        InMemoryDeliveryStore.Row late = store.add(webhook("http://receiver/late"), clock.instant(), "e2");
        engine.wake();
        await().atMost(WAIT).until(() -> store.row(early.id).state == AttemptRecord.State.SUCCEEDED
                && store.row(late.id).state == AttemptRecord.State.SUCCEEDED);
        assertThat(store.row(late.id).attempts).isEqualTo(2);
    }

    /** One batch, two attempts: each delivery's own retry is woken for, the later one too. */
    @Test
    void everyRetryOfABatchIsWokenForWhenItsDeliveriesAreOnDifferentAttempts() {
        clock.reset();
        DeliveryEngine.Settings settings = retryingAfter(Duration.ofMillis(300), Duration.ofMillis(900));
        UUID webhook = webhook("http://receiver/a");
        InMemoryDeliveryStore.Row fresh = store.add(webhook, clock.instant(), "e1");
        InMemoryDeliveryStore.Row second = store.add(webhook, clock.instant(), "e2");
        second.attempts = 1; // failed once before: its next wait is the second one
        AtomicInteger posts = new AtomicInteger();
        start(settings, NO_POLL, (url, headers, body) -> new SendResult.Answered(
                posts.getAndIncrement() == 0 ? 500 : 204, "", null));
        engine.wake();
        await().atMost(WAIT).until(() -> store.row(fresh.id).state == AttemptRecord.State.SUCCEEDED
                && store.row(second.id).state == AttemptRecord.State.SUCCEEDED);
        assertThat(posts.get()).as("one batch, then each retry on its own").isEqualTo(3);
    }

    @Test
    void retriesAreWokenForAtTheEndOfTheirTickNeverBefore() {
        Instant tick = Instant.parse("2026-12-04T10:00:00.020Z");
        assertThat(DeliveryEngine.wakeFor(Instant.parse("2026-12-04T10:00:00.000001Z"))).isEqualTo(tick);
        assertThat(DeliveryEngine.wakeFor(Instant.parse("2026-12-04T10:00:00.019999Z"))).isEqualTo(tick);
        assertThat(DeliveryEngine.wakeFor(tick)).as("on a tick: then").isEqualTo(tick);
        assertThat(DeliveryEngine.wakeFor(Instant.parse("2026-12-04T10:00:00.020001Z")))
                .isEqualTo(Instant.parse("2026-12-04T10:00:00.040Z"));
    }

    @Test
    void dueEventsOfOneWebhookAreBatchedWithinTheLimits() {
        UUID webhook = webhook("http://receiver/a");
        for (int i = 0; i < 120; i++) {
            store.add(webhook, clock.instant(), "e" + i);
        }
        start(DeliveryEngine.Settings.defaults("n1").withConcurrency(8, 8),
                (url, headers, body) -> new SendResult.Answered(204, null, null));
        await().atMost(WAIT).until(() -> store.rows().stream()
                .allMatch(r -> r.state == AttemptRecord.State.SUCCEEDED));
        assertThat(sent).extracting(s -> s.body().get("events").size()).containsExactlyInAnyOrder(50, 50, 20);
        assertThat(sent.get(0).body().get("meta").get("webhook_id").asString()).isEqualTo(webhook.toString());
    }

    @Test
    void aBatchCarriesItsEventsInTheOrderTheyWereWrittenWhateverOrderTheyWereClaimedIn() {
        UUID webhook = webhook("http://receiver/a");
        for (int i = 0; i < 5; i++) {
            store.add(webhook, clock.instant().minusMillis(5 - i), "e" + i);
        }
        store.claimOrder = Comparator.comparing((InMemoryDeliveryStore.Row r) -> r.createdAt).reversed();
        start(DeliveryEngine.Settings.defaults("n1"), (url, headers, body) -> new SendResult.Answered(204, null, null));
        await().atMost(WAIT).until(() -> sent.size() == 1);
        assertThat(sent.get(0).body().get("events")).extracting(e -> e.get("id").asString())
                .containsExactly("e0", "e1", "e2", "e3", "e4");
    }

    @Test
    void aBatchNeverExceedsTheByteLimitButALargeEventStillGoes() {
        PendingDelivery small = new PendingDelivery(UUID.randomUUID(), UUID.randomUUID(), 0, 0, Instant.EPOCH,
                "x".repeat(40));
        PendingDelivery large = new PendingDelivery(UUID.randomUUID(), UUID.randomUUID(), 0, 0, Instant.EPOCH,
                "x".repeat(500));
        List<List<PendingDelivery>> batches = DeliveryEngine.batches(List.of(small, small, small, large, small),
                50, 100);
        assertThat(batches).extracting(List::size).containsExactly(2, 1, 1, 1);
    }

    @Test
    void theByteLimitCountsUtf8BytesNotCharacters() {
        PendingDelivery kanji = new PendingDelivery(UUID.randomUUID(), UUID.randomUUID(), 0, 0, Instant.EPOCH,
                "診".repeat(20)); // 20 characters, 60 bytes
        assertThat(kanji.size()).isEqualTo(60);
        assertThat(DeliveryEngine.batches(List.of(kanji, kanji), 50, 100)).extracting(List::size)
                .containsExactly(1, 1);
        for (String text : new String[] {"plain", "é", "診", "🩺", "a🩺é診", "\uD83E", "x\uDC00y"}) {
            PendingDelivery d = new PendingDelivery(UUID.randomUUID(), UUID.randomUUID(), 0, 0, Instant.EPOCH, text);
            assertThat(d.size()).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void aSlowWebhookDoesNotHoldUpTheOthers() throws Exception {
        UUID slow = webhook("http://receiver/slow");
        UUID fast = webhook("http://receiver/fast");
        for (int i = 0; i < 10; i++) {
            store.add(slow, clock.instant(), "s" + i);
        }
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger slowInFlight = new AtomicInteger();
        AtomicInteger slowMaxInFlight = new AtomicInteger();
        start(DeliveryEngine.Settings.defaults("n1").withConcurrency(4, 2).withBatch(1, 1024), (url, h, b) -> {
            if (url.endsWith("slow")) {
                slowMaxInFlight.accumulateAndGet(slowInFlight.incrementAndGet(), Math::max);
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                slowInFlight.decrementAndGet();
            }
            return new SendResult.Answered(200, null, null);
        });
        await().atMost(WAIT).until(() -> slowInFlight.get() == 2);
        InMemoryDeliveryStore.Row fastRow = store.add(fast, clock.instant(), "f1");
        engine.wake();
        await().atMost(WAIT).until(() -> store.row(fastRow.id).state == AttemptRecord.State.SUCCEEDED);
        assertThat(slowMaxInFlight.get()).as("concurrency per webhook is bounded").isEqualTo(2);
        release.countDown();
        await().atMost(WAIT).until(() -> store.rows().stream()
                .allMatch(r -> r.state == AttemptRecord.State.SUCCEEDED));
        assertThat(slowMaxInFlight.get()).isEqualTo(2);
    }

    @Test
    void aFinishedRequestSendsWhatWaitedForAFreeWorkerWithoutWaitingForThePoll() {
        assertThreeDeliveriesGoOneAfterAnother(DeliveryEngine.Settings.defaults("n1").withConcurrency(1, 1));
    }

    @Test
    void aFinishedRequestSendsWhatWaitedForItsWebhooksSlotWithoutWaitingForThePoll() {
        assertThreeDeliveriesGoOneAfterAnother(DeliveryEngine.Settings.defaults("n1").withConcurrency(4, 1));
    }

    /** Three due deliveries of one webhook, one event per POST, that the settings let go one at a time. */
    private void assertThreeDeliveriesGoOneAfterAnother(DeliveryEngine.Settings settings) {
        UUID webhook = webhook("http://receiver/a");
        for (int i = 0; i < 3; i++) {
            store.add(webhook, clock.instant(), "e" + i);
        }
        start(settings.withBatch(1, 1024), NO_POLL, (url, headers, body) -> new SendResult.Answered(204, null, null));
        await().atMost(WAIT).until(() -> store.rows().stream()
                .allMatch(r -> r.state == AttemptRecord.State.SUCCEEDED));
        assertThat(sent).hasSize(3);
    }

    @Test
    void aDeliveryCommittedWhileEveryWorkerIsBusyGoesWhenOneFinishes() throws Exception {
        assertACommittedDeliveryWaitsForTheRequestInFlight(DeliveryEngine.Settings.defaults("n1")
                .withConcurrency(1, 1));
    }

    @Test
    void aDeliveryCommittedWhileItsWebhookIsAtItsConcurrencyGoesWhenOneFinishes() throws Exception {
        assertACommittedDeliveryWaitsForTheRequestInFlight(DeliveryEngine.Settings.defaults("n1")
                .withConcurrency(4, 1));
    }

    /** One request in flight; a second delivery commits and wakes the engine, which cannot send it yet. */
    private void assertACommittedDeliveryWaitsForTheRequestInFlight(DeliveryEngine.Settings settings)
            throws Exception {
        UUID webhook = webhook("http://receiver/a");
        InMemoryDeliveryStore.Row first = store.add(webhook, clock.instant(), "e1");
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(settings, NO_POLL, (url, headers, body) -> {
            inFlight.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new SendResult.Answered(204, null, null);
        });
        assertThat(inFlight.await(10, TimeUnit.SECONDS)).isTrue();
        InMemoryDeliveryStore.Row second = store.add(webhook, clock.instant(), "e2");
        engine.wake();
        Thread.sleep(200); // the dispatcher handles that wake-up (in microseconds) while the first is in flight
        assertThat(store.row(second.id).attempts).isZero();
        release.countDown();
        await().atMost(WAIT).until(() -> store.row(second.id).state == AttemptRecord.State.SUCCEEDED);
        assertThat(store.row(first.id).state).isEqualTo(AttemptRecord.State.SUCCEEDED);
    }

    @Test
    void aFinishedRequestDoesNotClaimAgainWhenNothingWasLeftWaiting() throws InterruptedException {
        UUID webhook = webhook("http://receiver/a");
        InMemoryDeliveryStore.Row row = store.add(webhook, clock.instant(), "e1");
        start(DeliveryEngine.Settings.defaults("n1"), NO_POLL,
                (url, headers, body) -> new SendResult.Answered(204, null, null));
        await().atMost(WAIT).until(() -> store.row(row.id).state == AttemptRecord.State.SUCCEEDED);
        Thread.sleep(300); // what a needless claim after the request would take: microseconds
        assertThat(store.claims.get()).as("the start's claim only").isEqualTo(1);
    }

    @Test
    void goneFailsAtOnceAndDisablesTheWebhookAndLaterDeliveriesFailWithoutARequest() {
        UUID webhook = webhook("http://receiver/a");
        InMemoryDeliveryStore.Row first = store.add(webhook, clock.instant(), "e1");
        start(DeliveryEngine.Settings.defaults("n1"), (url, h, b) -> new SendResult.Answered(410, "bye", null));
        await().atMost(WAIT).until(() -> store.row(first.id).state == AttemptRecord.State.FAILED);
        assertThat(store.row(first.id).attempts).isEqualTo(1);
        assertThat(store.records.get(0).health()).isInstanceOf(AttemptRecord.Health.Disable.class);

        InMemoryDeliveryStore.Row second = store.add(webhook, clock.instant(), "e2");
        engine.wake();
        await().atMost(WAIT).until(() -> store.row(second.id).state == AttemptRecord.State.FAILED);
        assertThat(sent).hasSize(1);
        assertThat(store.records.get(1).errorKind()).isEqualTo(ErrorKind.WEBHOOK_DISABLED);
    }

    @Test
    void aWebhookFailingLongerThanTheLimitIsDisabled() {
        UUID webhook = UUID.randomUUID();
        Instant since = clock.instant().minus(Duration.ofDays(5));
        store.webhook(new Endpoint(webhook, "http://receiver/a", true, List.of(new byte[32]), since));
        store.add(webhook, clock.instant(), "e1");
        start(DeliveryEngine.Settings.defaults("n1"), (url, h, b) -> new SendResult.NotAnswered(ErrorKind.CONNECTION));
        await().atMost(WAIT).until(() -> !store.records.isEmpty());
        assertThat(store.records.get(0).health()).isInstanceOf(AttemptRecord.Health.Disable.class);
        assertThat(((AttemptRecord.Health.Disable) store.records.get(0).health()).reason()).contains("connection");
    }

    @Test
    void aResponseThatEchoesTheRequestIsNotLogged() {
        byte[] body = "{\"events\":[{\"content\":\"Patient presents with a persistent dry cough\"}]}".getBytes();
        assertThat(DeliveryEngine.excerptOf(new SendResult.Answered(400,
                "bad: Patient presents with a persistent dry cough", null), body)).doesNotContain("cough");
        assertThat(DeliveryEngine.excerptOf(new SendResult.NotAnswered(ErrorKind.CONNECTION), body)).isNull();
        assertThat(DeliveryEngine.excerptOf(new SendResult.Answered(400, "missing field x", null), body))
                .isEqualTo("missing field x");
    }

    @Test
    void theRequestIdDependsOnlyOnTheDeliveriesCarried() {
        PendingDelivery a = new PendingDelivery(UUID.randomUUID(), UUID.randomUUID(), 0, 0, Instant.EPOCH, "{}");
        PendingDelivery b = new PendingDelivery(UUID.randomUUID(), a.webhookId(), 3, 1, Instant.EPOCH, "{}");
        assertThat(DeliveryEngine.requestId(List.of(a, b))).isEqualTo(DeliveryEngine.requestId(List.of(b, a)));
        assertThat(DeliveryEngine.requestId(List.of(a))).isNotEqualTo(DeliveryEngine.requestId(List.of(a, b)));
    }

    private final Map<UUID, String> urls = new ConcurrentHashMap<>();

    private UUID webhook(String url) {
        UUID id = UUID.randomUUID();
        store.webhook(new Endpoint(id, url, true, List.of(Signatures.key(Signatures.newSecret())), null));
        urls.put(id, url);
        return id;
    }

    private void start(DeliveryEngine.Settings settings, WebhookSender sender) {
        start(settings, Duration.ofMillis(50), sender);
    }

    private void start(DeliveryEngine.Settings settings, Duration pollInterval, WebhookSender sender) {
        WebhookSender recording = (url, headers, body) -> {
            sent.add(new Sent(url, headers, Http.JSON.readTree(body)));
            return sender.send(url, headers, body);
        };
        engine = new DeliveryEngine(store, recording, clock, settings.withPollInterval(pollInterval), null);
        engine.start();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The default settings with no poll to speak of and these waits between attempts. */
    private static DeliveryEngine.Settings retryingAfter(Duration... waits) {
        DeliveryEngine.Settings defaults = DeliveryEngine.Settings.defaults("n1");
        return new DeliveryEngine.Settings(defaults.nodeId(), NO_POLL, defaults.lease(), defaults.workers(),
                defaults.perWebhookConcurrency(), defaults.maxBatchEvents(), defaults.maxBatchBytes(),
                new RetryPolicy(List.of(waits), Duration.ofSeconds(1), Duration.ofMinutes(1)),
                defaults.disableAfter(), false);
    }
}
