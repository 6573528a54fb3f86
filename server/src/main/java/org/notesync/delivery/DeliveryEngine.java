package org.notesync.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.notesync.logging.LoggedErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers queued webhook events. One dispatcher thread claims due deliveries from the {@link DeliveryStore}
 * in batches (as leases), groups them by webhook into POSTs of at most {@code maxBatchEvents} events and
 * {@code maxBatchBytes}, and hands each POST to a worker; workers send outside any transaction and record
 * the outcome. Any number of engines may share one store: leases keep them apart, and an engine that dies
 * loses nothing, its leases expire and another engine takes them.
 *
 * <p>Time comes from the injected {@link Clock} (due dates, leases, the log); the dispatcher wakes every
 * {@code pollInterval} of real time, or at once on {@link #wake()}.
 */
public final class DeliveryEngine {

    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);

    /**
     * @param nodeId                this engine's name in leases and the log; unique per engine
     * @param pollInterval          how often to look for due deliveries when nobody calls {@link #wake()}
     * @param lease                 how long a claim is held; longer than the request timeout
     * @param workers               concurrent requests on this engine
     * @param perWebhookConcurrency concurrent requests to one webhook on this engine, so a slow receiver
     *                              cannot take every worker
     * @param maxBatchEvents        events in one POST at most
     * @param maxBatchBytes         size of the events of one POST at most (a single larger event goes alone)
     * @param retryPolicy           waits between attempts
     * @param disableAfter          a webhook failing for this long without a success is disabled
     * @param perWebhookMetrics     also count attempts with a {@code webhook} tag
     */
    public record Settings(String nodeId, Duration pollInterval, Duration lease, int workers,
            int perWebhookConcurrency, int maxBatchEvents, long maxBatchBytes, RetryPolicy retryPolicy,
            Duration disableAfter, boolean perWebhookMetrics) {

        public static Settings defaults(String nodeId) {
            return new Settings(nodeId, Duration.ofSeconds(1), Duration.ofSeconds(30), 16, 4, 50, 256 * 1024,
                    RetryPolicy.GUIDE, Duration.ofDays(5), false);
        }

        public Settings {
            if (workers < 1 || perWebhookConcurrency < 1 || maxBatchEvents < 1 || maxBatchBytes < 1) {
                throw new IllegalArgumentException("workers, concurrency and batch limits must be positive");
            }
        }

        public Settings withNodeId(String id) {
            return new Settings(id, pollInterval, lease, workers, perWebhookConcurrency, maxBatchEvents,
                    maxBatchBytes, retryPolicy, disableAfter, perWebhookMetrics);
        }

        public Settings withPollInterval(Duration interval) {
            return new Settings(nodeId, interval, lease, workers, perWebhookConcurrency, maxBatchEvents,
                    maxBatchBytes, retryPolicy, disableAfter, perWebhookMetrics);
        }

        public Settings withLease(Duration newLease) {
            return new Settings(nodeId, pollInterval, newLease, workers, perWebhookConcurrency, maxBatchEvents,
                    maxBatchBytes, retryPolicy, disableAfter, perWebhookMetrics);
        }

        public Settings withConcurrency(int newWorkers, int perWebhook) {
            return new Settings(nodeId, pollInterval, lease, newWorkers, perWebhook, maxBatchEvents,
                    maxBatchBytes, retryPolicy, disableAfter, perWebhookMetrics);
        }

        public Settings withBatch(int events, long bytes) {
            return new Settings(nodeId, pollInterval, lease, workers, perWebhookConcurrency, events, bytes,
                    retryPolicy, disableAfter, perWebhookMetrics);
        }
    }

    private final DeliveryStore store;
    private final WebhookSender sender;
    private final Clock clock;
    private final Settings settings;
    private final MeterRegistry meters;
    private final Timer lag;
    private final Timer successDuration;
    private final Timer failureDuration;
    private final Counter succeeded;
    private final Counter retrying;
    private final Counter failed;

    private final AtomicBoolean wakeup = new AtomicBoolean();
    /**
     * The retries this node scheduled that have not come due yet, earliest first: the dispatcher wakes for
     * each. At most {@value #REMEMBERED_RETRIES} are kept (the earliest); a later one is found by the poll.
     */
    private final ConcurrentSkipListSet<Instant> retries = new ConcurrentSkipListSet<>();
    static final int REMEMBERED_RETRIES = 1024;
    /** Retries due within one tick are woken for together, at its end. */
    static final long RETRY_TICK_MILLIS = 20;
    // Set by a dispatch that left due deliveries behind for want of a worker or of a webhook's slot: only
    // then does a finished request wake the dispatcher. Together with `finished` (counted before the flag
    // is read) no finished request can slip between a dispatch's check and its flag.
    private final AtomicBoolean leftBehind = new AtomicBoolean();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicInteger busyWorkers = new AtomicInteger();
    private final Map<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile Thread dispatcher;
    private volatile ThreadPoolExecutor pool;

    public DeliveryEngine(DeliveryStore store, WebhookSender sender, Clock clock, Settings settings,
            MeterRegistry meters) {
        this.store = store;
        this.sender = sender;
        this.clock = clock;
        this.settings = settings;
        this.meters = meters == null ? new SimpleMeterRegistry() : meters;
        this.lag = Timer.builder("notesync.webhook.lag")
                .description("From the event's commit to the first attempt to deliver it")
                .publishPercentileHistogram().register(this.meters);
        this.successDuration = attemptTimer("success");
        this.failureDuration = attemptTimer("failure");
        this.succeeded = deliveries("succeeded");
        this.retrying = deliveries("retrying");
        this.failed = deliveries("failed");
    }

    public Settings settings() {
        return settings;
    }

    public boolean isRunning() {
        return running;
    }

    /** Starts the dispatcher and the workers; an engine can be started again after {@link #stop}. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(settings.workers(), settings.workers(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "webhook-worker-" + settings.nodeId() + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        Thread thread = new Thread(this::dispatchLoop, "webhook-dispatcher-" + settings.nodeId());
        thread.setDaemon(true);
        dispatcher = thread;
        thread.start();
        log.info("Webhook delivery engine {} started", settings.nodeId());
    }

    /**
     * A retry of this node's comes due then: without it the dispatcher would find it at its next poll, up to
     * a poll interval late ("5 s" after an attempt was 6). One earlier than every other unparks it.
     */
    private void retryAt(Instant retry) {
        Instant due = wakeFor(retry);
        if (!retries.add(due)) {
            return;
        }
        if (retries.size() > REMEMBERED_RETRIES) { // size() walks the set, which holds one more at most
            retries.pollLast();
        }
        Thread thread = dispatcher;
        if (thread != null && retries.lower(due) == null) { // the earliest now: the dispatcher waits longer
            LockSupport.unpark(thread);
        }
    }

    /**
     * When to wake for a retry: at the end of its tick, never before it, so that retries microseconds apart
     * (a failing receiver's) share one wake and one claim.
     */
    static Instant wakeFor(Instant retry) {
        long tick = TimeUnit.MILLISECONDS.toNanos(RETRY_TICK_MILLIS);
        long sinceEpoch = Duration.between(Instant.EPOCH, retry).toNanos();
        return Instant.EPOCH.plusNanos(Math.floorDiv(sinceEpoch + tick - 1, tick) * tick);
    }

    /** Asks the dispatcher to look for due deliveries now (called after a commit that queued some). */
    public void wake() {
        wakeup.set(true);
        Thread thread = dispatcher;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Stops claiming, lets requests in flight finish for up to {@code grace}, then interrupts them.
     * Leases of interrupted requests are not given back: they expire, and another engine retries them.
     */
    public synchronized void stop(Duration grace) {
        if (!running) {
            return;
        }
        running = false;
        Thread thread = dispatcher;
        wake();
        if (thread != null) {
            try {
                thread.join(grace.toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ExecutorService workers = pool;
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        dispatcher = null;
        log.info("Webhook delivery engine {} stopped", settings.nodeId());
    }

    private void dispatchLoop() {
        while (running) {
            boolean more;
            try {
                more = dispatch();
            } catch (RuntimeException e) {
                // A database outage must not kill the dispatcher: log the kind, wait a poll, try again.
                log.warn("Webhook dispatcher {} could not claim deliveries: {}", settings.nodeId(),
                        LoggedErrors.summary(e));
                more = false;
            }
            if (!more && running && !wakeup.getAndSet(false)) {
                long park = settings.pollInterval().toNanos();
                Instant now = now();
                NavigableSet<Instant> due = retries.headSet(now, true);
                if (!due.isEmpty()) {
                    due.clear();
                    continue; // due: claim it now rather than at the next poll
                }
                Instant retry = retries.isEmpty() ? null : retries.ceiling(now);
                if (retry != null) {
                    park = Math.min(park, Duration.between(now, retry).toNanos());
                }
                LockSupport.parkNanos(this, park);
                wakeup.set(false);
            }
        }
    }

    /**
     * One claim: leases as many due deliveries as free workers can carry, sends them, and says whether
     * another claim right away may find more.
     */
    boolean dispatch() {
        long finishedBefore = finished.get();
        int free = settings.workers() - busyWorkers.get();
        if (free <= 0) {
            return leaveBehind(finishedBefore);
        }
        Set<UUID> saturated = new HashSet<>();
        inFlight.forEach((webhook, count) -> {
            if (count.get() >= settings.perWebhookConcurrency()) {
                saturated.add(webhook);
            }
        });
        int limit = Math.min(free * settings.maxBatchEvents(), 1000);
        Instant now = now();
        DeliveryStore.Claim claim = store.claim(settings.nodeId(), now, now.plus(settings.lease()), limit,
                saturated);
        if (claim.isEmpty()) {
            return !saturated.isEmpty() && leaveBehind(finishedBefore);
        }
        List<PendingDelivery> claimed = claim.deliveries();
        Map<UUID, List<PendingDelivery>> byWebhook = new LinkedHashMap<>();
        for (PendingDelivery d : claimed) {
            byWebhook.computeIfAbsent(d.webhookId(), k -> new ArrayList<>()).add(d);
        }
        Map<UUID, Endpoint> endpoints = claim.endpoints();
        List<UUID> giveBack = new ArrayList<>();
        for (Map.Entry<UUID, List<PendingDelivery>> entry : byWebhook.entrySet()) {
            // A POST carries its events in the order they were written (a note's creation before its
            // update), whatever order the store returned them in.
            entry.getValue().sort(Comparator.comparing(PendingDelivery::createdAt));
            Endpoint endpoint = endpoints.get(entry.getKey());
            if (endpoint == null) {
                continue; // the store found no webhook for them
            }
            if (!endpoint.active()) {
                store.record(disabled(endpoint, entry.getValue(), now));
                failed.increment(entry.getValue().size());
                continue;
            }
            int slots = settings.perWebhookConcurrency() - inFlightOf(endpoint.webhookId());
            for (List<PendingDelivery> batch : batches(entry.getValue(), settings.maxBatchEvents(),
                    settings.maxBatchBytes())) {
                if (slots > 0 && free > 0) {
                    slots--;
                    free--;
                    submit(endpoint, batch);
                } else {
                    batch.forEach(d -> giveBack.add(d.id()));
                }
            }
        }
        if (!giveBack.isEmpty()) {
            store.release(settings.nodeId(), giveBack);
        }
        boolean more = claimed.size() == limit && free > 0;
        if (!saturated.isEmpty() || !giveBack.isEmpty() || free == 0) {
            more |= leaveBehind(finishedBefore);
        }
        return more;
    }

    /**
     * Asks the next finished request to wake the dispatcher, because this dispatch may have left due
     * deliveries behind; says whether one finished already since the dispatch began (then the dispatcher
     * looks again at once instead of waiting for it).
     */
    private boolean leaveBehind(long finishedBefore) {
        leftBehind.set(true);
        return finished.get() != finishedBefore;
    }

    private int inFlightOf(UUID webhook) {
        AtomicInteger count = inFlight.get(webhook);
        return count == null ? 0 : count.get();
    }

    private void submit(Endpoint endpoint, List<PendingDelivery> batch) {
        busyWorkers.incrementAndGet();
        inFlight.computeIfAbsent(endpoint.webhookId(), k -> new AtomicInteger()).incrementAndGet();
        try {
            pool.execute(() -> {
                try {
                    deliver(endpoint, batch);
                } catch (RuntimeException e) {
                    // The lease expires and the batch is retried; the error kind only, never a payload.
                    log.warn("Webhook delivery to {} could not be recorded: {}", endpoint.webhookId(),
                            LoggedErrors.summary(e));
                } finally {
                    done(endpoint.webhookId());
                }
            });
        } catch (RuntimeException rejected) {
            done(endpoint.webhookId());
            store.release(settings.nodeId(), batch.stream().map(PendingDelivery::id).toList());
        }
    }

    private void done(UUID webhook) {
        busyWorkers.decrementAndGet();
        inFlight.computeIfPresent(webhook, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
        finished.incrementAndGet();
        // Otherwise nothing waits for this worker: claiming again would find only what a commit's wake or
        // the poll finds anyway, a round trip per request for nothing.
        if (leftBehind.getAndSet(false)) {
            wake();
        }
    }

    /** Sends one batch and records what happened. Runs on a worker, outside any transaction. */
    void deliver(Endpoint endpoint, List<PendingDelivery> batch) {
        byte[] body = body(endpoint.webhookId(), batch);
        String requestId = requestId(batch);
        Instant attemptedAt = now();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("webhook-id", requestId);
        headers.put("webhook-timestamp", Long.toString(attemptedAt.getEpochSecond()));
        headers.put("webhook-signature", Signatures.sign(endpoint.signingKeys(), requestId,
                attemptedAt.getEpochSecond(), body));
        for (PendingDelivery d : batch) {
            if (d.attempts() == 0 && d.replays() == 0) {
                lag.record(Duration.between(d.createdAt(), attemptedAt).abs());
            }
        }
        long started = System.nanoTime();
        SendResult result = sender.send(endpoint.url(), headers, body);
        long durationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        AttemptRecord record = outcome(endpoint, batch, requestId, attemptedAt, durationMillis, result,
                excerptOf(result, body));
        store.record(record);
        // One batch may hold deliveries on different attempts, each with its own wait.
        record.transitions().stream().filter(t -> t.state() == AttemptRecord.State.PENDING
                        && t.nextAttemptAt() != null)
                .map(AttemptRecord.Transition::nextAttemptAt).forEach(this::retryAt);
        count(endpoint, record, System.nanoTime() - started);
    }

    /** Decides the new state of every delivery of the batch from what the receiver did. */
    AttemptRecord outcome(Endpoint endpoint, List<PendingDelivery> batch, String requestId, Instant attemptedAt,
            long durationMillis, SendResult result, String excerpt) {
        List<UUID> ids = batch.stream().map(PendingDelivery::id).toList();
        Integer status = result instanceof SendResult.Answered a ? a.status() : null;
        if (result instanceof SendResult.Answered a && a.successful()) {
            return new AttemptRecord(settings.nodeId(), endpoint.webhookId(), requestId, attemptedAt, durationMillis,
                    status, null, excerpt, ids,
                    List.of(new AttemptRecord.Transition(ids, AttemptRecord.State.SUCCEEDED, null)),
                    // Only an endpoint known to be failing needs its failure run cleared: a write per
                    // successful attempt otherwise. One failing on another node meanwhile is cleared by the
                    // next success after its failure is read.
                    endpoint.failingSince() == null ? null : new AttemptRecord.Health.Recovered());
        }
        ErrorKind kind = errorKind(result);
        if (kind == ErrorKind.GONE) {
            return new AttemptRecord(settings.nodeId(), endpoint.webhookId(), requestId, attemptedAt, durationMillis,
                    status, kind, excerpt, ids,
                    List.of(new AttemptRecord.Transition(ids, AttemptRecord.State.FAILED, null)),
                    new AttemptRecord.Health.Disable("The endpoint answered 410 Gone at "
                            + attemptedAt.truncatedTo(ChronoUnit.SECONDS) + ".", null));
        }
        Duration retryAfter = kind == ErrorKind.RATE_LIMITED ? ((SendResult.Answered) result).retryAfter() : null;
        Map<Instant, List<UUID>> retries = new LinkedHashMap<>();
        List<UUID> exhausted = new ArrayList<>();
        for (PendingDelivery d : batch) {
            settings.retryPolicy().waitAfter(d.attempts() + 1, retryAfter).ifPresentOrElse(
                    wait -> retries.computeIfAbsent(attemptedAt.plus(wait), k -> new ArrayList<>()).add(d.id()),
                    () -> exhausted.add(d.id()));
        }
        List<AttemptRecord.Transition> transitions = new ArrayList<>();
        retries.forEach((at, group) -> transitions.add(
                new AttemptRecord.Transition(group, AttemptRecord.State.PENDING, at)));
        if (!exhausted.isEmpty()) {
            transitions.add(new AttemptRecord.Transition(exhausted, AttemptRecord.State.FAILED, null));
        }
        AttemptRecord.Health health = new AttemptRecord.Health.Failing();
        if (endpoint.failingSince() != null
                && !endpoint.failingSince().plus(settings.disableAfter()).isAfter(attemptedAt)) {
            health = new AttemptRecord.Health.Disable("Every delivery has failed since "
                    + endpoint.failingSince().truncatedTo(ChronoUnit.SECONDS) + " (" + kind.wireName() + ").",
                    endpoint.failingSince());
        }
        return new AttemptRecord(settings.nodeId(), endpoint.webhookId(), requestId, attemptedAt, durationMillis,
                status, kind, excerpt, ids, transitions, health);
    }

    private AttemptRecord disabled(Endpoint endpoint, List<PendingDelivery> batch, Instant now) {
        List<UUID> ids = batch.stream().map(PendingDelivery::id).toList();
        return new AttemptRecord(settings.nodeId(), endpoint.webhookId(), requestId(batch), now, 0, null,
                ErrorKind.WEBHOOK_DISABLED, null, ids,
                List.of(new AttemptRecord.Transition(ids, AttemptRecord.State.FAILED, null)), null);
    }

    static ErrorKind errorKind(SendResult result) {
        if (result instanceof SendResult.NotAnswered n) {
            return n.kind();
        }
        int status = ((SendResult.Answered) result).status();
        if (status == 410) {
            return ErrorKind.GONE;
        }
        if (status == 429) {
            return ErrorKind.RATE_LIMITED;
        }
        if (status >= 300 && status < 400) {
            return ErrorKind.REDIRECT;
        }
        return ErrorKind.HTTP_STATUS;
    }

    private void count(Endpoint endpoint, AttemptRecord record, long nanos) {
        boolean ok = record.errorKind() == null;
        (ok ? successDuration : failureDuration).record(nanos, TimeUnit.NANOSECONDS);
        for (AttemptRecord.Transition t : record.transitions()) {
            Counter c = switch (t.state()) {
                case SUCCEEDED -> succeeded;
                case PENDING -> retrying;
                case FAILED -> failed;
            };
            c.increment(t.deliveryIds().size());
        }
        if (settings.perWebhookMetrics()) {
            meters.counter("notesync.webhook.endpoint.attempts", "webhook", endpoint.webhookId().toString(),
                    "result", ok ? "success" : record.errorKind().wireName()).increment();
        }
    }

    /** Splits one webhook's deliveries into POSTs within the event and size limits, keeping their order. */
    static List<List<PendingDelivery>> batches(List<PendingDelivery> deliveries, int maxEvents, long maxBytes) {
        List<List<PendingDelivery>> batches = new ArrayList<>();
        List<PendingDelivery> current = new ArrayList<>();
        long bytes = 0;
        for (PendingDelivery d : deliveries) {
            if (!current.isEmpty() && (current.size() >= maxEvents || bytes + d.size() > maxBytes)) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(d);
            bytes += d.size();
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** The guide's body, assembled from the stored event objects without parsing them again. */
    static byte[] body(UUID webhookId, List<PendingDelivery> batch) {
        StringBuilder json = new StringBuilder(batch.stream().mapToInt(PendingDelivery::size).sum() + 96);
        json.append("{\"events\":[");
        for (int i = 0; i < batch.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(batch.get(i).payload());
        }
        json.append("],\"meta\":{\"webhook_id\":\"").append(webhookId).append("\"}}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The {@code webhook-id}: derived from the deliveries it carries, so a retry or a replay of the same
     * batch has the same id (receivers may deduplicate on it) and a different batch never does.
     */
    static String requestId(List<PendingDelivery> batch) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            batch.stream().map(d -> d.id().toString()).sorted()
                    .forEach(id -> sha.update(id.getBytes(StandardCharsets.US_ASCII)));
            byte[] digest = sha.digest();
            return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 18));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The response excerpt for the log, withheld when it repeats what the request carried (ResponseExcerpts). */
    static String excerptOf(SendResult result, byte[] body) {
        if (!(result instanceof SendResult.Answered a) || a.excerpt() == null || a.excerpt().isEmpty()) {
            return null;
        }
        return ResponseExcerpts.of(a.excerpt(), a.cut(), body);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private Timer attemptTimer(String result) {
        return Timer.builder("notesync.webhook.attempt.duration").description("Duration of one webhook request")
                .tag("result", result).publishPercentileHistogram().register(meters);
    }

    private Counter deliveries(String outcome) {
        return Counter.builder("notesync.webhook.deliveries")
                .description("Delivery attempts by what they left the delivery in").tag("outcome", outcome)
                .register(meters);
    }
}
