package org.notesync.client;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * Everything the guide asks of a receiver, in one object: verify each webhook request and answer at
 * once (the work happens on another thread, well inside the 5-second limit); import each note version
 * once, deduplicated on the note uuid; poll the API every 30 to 60 seconds as a fallback, so
 * a note a webhook never brought still arrives; retry notes your handler failed on.
 *
 * <pre>{@code
 * NoteInbox inbox = NoteInbox.builder(note -> practice.upsert(note))
 *         .webhookSecret(System.getenv("NOTESYNC_WEBHOOK_SECRET"))
 *         .client(client)
 *         .polling(NoteFeed.resume(client, savedCheckpoint), Duration.ofSeconds(45))
 *         .build();
 * inbox.start();
 * httpServer.createContext("/notesync/webhook", inbox.webhookHandler());
 * }</pre>
 */
public final class NoteInbox implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NoteInbox.class.getName());
    private static final int MAX_BODY = 5 * 1024 * 1024;
    private static final int MAX_PENDING_RETRIES = 10_000;
    private static final int STRIPES = 64;
    /** Without a polling feed, how often the notes the handler failed on are retried. */
    static final Duration DEFAULT_RETRY = Duration.ofSeconds(30);
    private static final Duration REFUSAL_LOG_EVERY = Duration.ofMinutes(1);

    /** What to answer a webhook request with. */
    public record Receipt(int status, String message) {
        public boolean accepted() {
            return status >= 200 && status < 300;
        }
    }

    private final NoteHandler handler;
    private final WebhookVerifier verifier;
    private final ProcessedNotes processed;
    private final ExecutorService workers;
    private final boolean ownsWorkers;
    private final NoteFeed feed;
    private final Duration pollEvery;
    private final Notes notes;
    private final boolean fetchFullNotes;
    private final BiConsumer<Note, Exception> onFailure;
    private final Consumer<Exception> onPollFailure;
    private final Object[] stripes = new Object[STRIPES];
    private final Map<UUID, Note> retries = new LinkedHashMap<>();
    /**
     * For each note still failing that the feed brought, the feed's checkpoint before the batch that
     * brought it, oldest first: {@link #checkpoint()} stays there until the note is imported, so that a
     * restart from a saved checkpoint reads it again instead of losing it with this memory.
     */
    private final Map<UUID, String> heldCheckpoints = new LinkedHashMap<>();
    /**
     * Where the checkpoint stays once a note the feed brought was given up (too many failing): at most one
     * entry is kept for those, this one, and it stays until a restart, which reads from there again.
     */
    private String givenUpCheckpoint;
    private final int maxPendingRetries;
    private final Object pollLock = new Object();
    private volatile ScheduledExecutorService poller;
    private final Clock clock;
    /** When each kind of refusal of a signed request was last logged: a wrong secret warns once a minute. */
    private final Map<WebhookVerificationException.Reason, Instant> refusalsLogged = new ConcurrentHashMap<>();

    private NoteInbox(Builder b) {
        this.handler = b.handler;
        this.verifier = b.verifier;
        this.processed = b.processed;
        this.ownsWorkers = b.workers == null;
        this.workers = b.workers != null ? b.workers : Executors.newSingleThreadExecutor(daemon("notesync-inbox"));
        this.feed = b.feed;
        this.pollEvery = b.pollEvery != null ? b.pollEvery : DEFAULT_RETRY;
        this.notes = b.notes;
        this.fetchFullNotes = b.fetchFullNotes;
        this.onFailure = b.onFailure;
        this.onPollFailure = b.onPollFailure;
        this.maxPendingRetries = b.maxPendingRetries;
        this.clock = b.clock;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    public static Builder builder(NoteHandler handler) {
        return new Builder(handler);
    }

    /**
     * Verifies a webhook request and queues its notes; returns at once. Answer the sender with
     * {@link Receipt#status()}: 200 when accepted, 4xx when the request is not genuine or not readable.
     */
    public Receipt receive(Function<String, String> header, byte[] body) {
        if (verifier == null) {
            throw new IllegalStateException("No webhook secret configured: use webhookSecret(...)");
        }
        WebhookPayload payload;
        try {
            payload = verifier.verify(header, body);
        } catch (WebhookVerificationException e) {
            logRefusal(e);
            return new Receipt(e.status(), e.getMessage());
        }
        for (WebhookEvent event : payload.events()) {
            if ((event.action() == WebhookEvent.Action.NEW_NOTE || event.action() == WebhookEvent.Action.UPDATED_NOTE)
                    && event.note().isPresent()) {
                try {
                    submit(event.note().get());
                } catch (RejectedExecutionException e) {
                    // Closing: let the sender retry later rather than lose the note.
                    return new Receipt(503, "Shutting down");
                }
            }
        }
        return new Receipt(200, "OK");
    }

    /**
     * A signed request refused (a wrong secret, a clock off by more than the tolerance) is otherwise silent:
     * the polling fallback still imports its notes, only late. Unsigned requests (scanners) are not logged.
     */
    private void logRefusal(WebhookVerificationException e) {
        if (e.reason() != WebhookVerificationException.Reason.NO_MATCHING_SIGNATURE
                && e.reason() != WebhookVerificationException.Reason.TIMESTAMP_TOO_OLD
                && e.reason() != WebhookVerificationException.Reason.TIMESTAMP_TOO_NEW) {
            return;
        }
        Instant now = clock.instant();
        Instant last = refusalsLogged.get(e.reason());
        boolean due = last == null ? refusalsLogged.putIfAbsent(e.reason(), now) == null
                : !now.isBefore(last.plus(REFUSAL_LOG_EVERY)) && refusalsLogged.replace(e.reason(), last, now);
        if (due) {
            LOG.log(Level.WARNING, "Refused a signed webhook request ({0}: {1}); check the webhook secret and "
                    + "this machine''s clock", e.reason(), e.getMessage());
        }
    }

    /**
     * An {@code HttpHandler} for the JDK's built-in server ({@code com.sun.net.httpserver}). A refused request is
     * answered with its reason in plain text, which the server's delivery log shows ({@code responseExcerpt}).
     */
    public HttpHandler webhookHandler() {
        return exchange -> {
            try (exchange) {
                if (!"POST".equals(exchange.getRequestMethod())) {
                    respond(exchange, 405);
                    return;
                }
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readNBytes(MAX_BODY + 1);
                }
                if (body.length > MAX_BODY) {
                    respond(exchange, 413);
                    return;
                }
                Receipt receipt = receive(exchange.getRequestHeaders()::getFirst, body);
                if (receipt.accepted()) {
                    respond(exchange, receipt.status());
                    return;
                }
                // The reason (a fixed sentence, no content) shows in the sender's delivery log, where a wrong
                // secret would otherwise be a bare 401.
                byte[] reason = receipt.message().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(receipt.status(), reason.length);
                exchange.getResponseBody().write(reason);
            }
        };
    }

    private static void respond(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
    }

    /** Queues a note for import, from wherever it came. */
    public void submit(Note note) {
        Objects.requireNonNull(note, "note");
        if (alreadyProcessed(note)) {
            return;
        }
        workers.execute(() -> process(note));
    }

    /** Whether this version was imported; when the store cannot tell, not (the worker asks it again). */
    private boolean alreadyProcessed(Note note) {
        try {
            return NoteVersion.of(note).isCoveredBy(processed.lastProcessed(note.uuid()).orElse(null));
        } catch (RuntimeException storeFailing) {
            return false;
        }
    }

    /**
     * Imports a note now, on this thread, unless this version (or a newer one) was already imported.
     *
     * @return whether the handler was called and succeeded
     */
    public boolean process(Note note) {
        Object stripe = stripes[Math.floorMod(note.uuid().hashCode(), STRIPES)];
        synchronized (stripe) {
            // Everything inside: a failure anywhere (the handler, the deduplication store, the API) keeps the note
            // for a retry and holds the checkpoint before it, rather than leaving it behind with the batch.
            try {
                NoteVersion last = processed.lastProcessed(note.uuid()).orElse(null);
                if (NoteVersion.of(note).isCoveredBy(last)) {
                    forgetRetry(note);
                    return false;
                }
                Note current = note;
                if (notes != null && (fetchFullNotes || sameSecond(note, last))) {
                    // The API shows updatedAt to the second: within one second, only the API knows which
                    // version is the newest (a late retry of an older event must not overwrite a newer one).
                    try {
                        current = notes.get(note.uuid());
                    } catch (NotFoundException gone) {
                        // Deleted, or no longer visible to this client, since the event was sent: nothing to import.
                        forgetRetry(note);
                        return false;
                    }
                    if (NoteVersion.of(current).isCoveredBy(last)) {
                        forgetRetry(note);
                        return false;
                    }
                }
                handler.handle(current);
                processed.markProcessed(note.uuid(), NoteVersion.of(current));
                forgetRetry(note);
                return true;
            } catch (Exception e) {
                rememberRetry(note);
                failed(note, e);
                return false;
            }
        }
    }

    /** Tells the failure listener; one that throws is logged, and the note stays for a retry all the same. */
    private void failed(Note note, Exception e) {
        try {
            if (onFailure != null) {
                onFailure.accept(note, e);
            } else {
                // Only the uuid and the exception type: the message of an import failure may quote the note.
                LOG.log(Level.WARNING, "Importing note {0} failed ({1}); {2}", note.uuid(), e.getClass().getName(),
                        poller != null ? "it will be retried every " + (pollEvery.toSeconds() > 0
                                ? pollEvery.toSeconds() + " s" : pollEvery.toMillis() + " ms")
                                : "it will be retried once the inbox is started (start())");
            }
        } catch (RuntimeException listener) {
            LOG.log(Level.WARNING, "The failure listener threw {0} for note {1}", listener.getClass().getName(),
                    note.uuid());
        }
    }

    private static boolean sameSecond(Note note, NoteVersion last) {
        return last != null && NoteVersion.of(note).updatedAt().equals(last.updatedAt());
    }

    /** Reads the feed until caught up, then retries failed notes. The scheduled poll calls this. */
    public void pollNow() {
        synchronized (pollLock) {
            if (feed != null) {
                try {
                    for (int batches = 0; batches < 1000; batches++) {
                        String before = feed.checkpoint();
                        java.util.List<Note> batch = feed.next();
                        if (batch.isEmpty()) {
                            break;
                        }
                        if (feed instanceof ChangeFeed changes) {
                            before = changes.batchCheckpoint(); // the feed's start, if it went back
                        }
                        for (Note note : batch) {
                            process(note);
                            holdCheckpointIfFailing(note, before);
                        }
                    }
                } catch (RuntimeException e) {
                    onPollFailure.accept(e);
                }
            }
            java.util.List<Note> again;
            synchronized (retries) {
                again = java.util.List.copyOf(retries.values());
            }
            again.forEach(this::process);
        }
    }

    /**
     * Where the polling feed stands; persist it to resume with {@link NoteFeed#resume}. It never passes a
     * note the feed brought whose import is still failing (retried in memory only): resuming from it reads
     * that note again, with some already imported, which deduplication skips.
     */
    public java.util.Optional<String> checkpoint() {
        synchronized (pollLock) {
            if (feed == null) {
                return java.util.Optional.empty();
            }
            synchronized (retries) {
                if (givenUpCheckpoint != null) {
                    return java.util.Optional.of(givenUpCheckpoint);
                }
                if (!heldCheckpoints.isEmpty()) {
                    return java.util.Optional.of(heldCheckpoints.values().iterator().next());
                }
            }
            return java.util.Optional.of(feed.checkpoint());
        }
    }

    private void holdCheckpointIfFailing(Note note, String before) {
        synchronized (retries) {
            if (retries.containsKey(note.uuid())) {
                heldCheckpoints.putIfAbsent(note.uuid(), before);
            }
        }
    }

    /** How many feed positions are held for failing notes; for tests. */
    int checkpointsHeld() {
        synchronized (retries) {
            return heldCheckpoints.size();
        }
    }

    /**
     * Starts polling (at once, then every interval) and retrying the notes the handler failed on (with the polls,
     * or every {@link Builder#retryEvery} without a feed). Webhooks are accepted whether or not this is called, but
     * a note that fails is retried only once it is.
     */
    public synchronized NoteInbox start() {
        if (poller == null) {
            poller = Executors.newSingleThreadScheduledExecutor(daemon("notesync-poller"));
            poller.scheduleWithFixedDelay(this::pollQuietly, 0, pollEvery.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Whether polls or retries are scheduled; for tests. */
    boolean retrying() {
        return poller != null;
    }

    /** Notes waiting to be retried after the handler failed on them. */
    public int pendingRetries() {
        synchronized (retries) {
            return retries.size();
        }
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
        if (ownsWorkers) {
            workers.shutdown();
            try {
                if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                    workers.shutdownNow();
                }
            } catch (InterruptedException e) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    private void pollQuietly() {
        try {
            pollNow();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: keep polling whatever happens.
            onPollFailure.accept(e);
        }
    }

    private void rememberRetry(Note note) {
        synchronized (retries) {
            Note known = retries.get(note.uuid());
            if (known == null || !NoteVersion.of(note).isCoveredBy(NoteVersion.of(known))) {
                retries.put(note.uuid(), note);
            }
            if (retries.size() > maxPendingRetries) {
                UUID eldest = retries.keySet().iterator().next();
                retries.remove(eldest);
                // The checkpoint stays at or before it (the oldest held is), so that a restart reads it again;
                // held checkpoints are kept only for the notes still retried, which bounds them too.
                if (givenUpCheckpoint == null && heldCheckpoints.containsKey(eldest)) {
                    givenUpCheckpoint = heldCheckpoints.values().iterator().next();
                }
                heldCheckpoints.remove(eldest);
                LOG.log(Level.WARNING, "Too many notes failing; gave up retrying note {0} until a restart from"
                        + " the checkpoint", eldest);
            }
        }
    }

    private void forgetRetry(Note note) {
        synchronized (retries) {
            Note known = retries.get(note.uuid());
            if (known != null && NoteVersion.of(known).isCoveredBy(NoteVersion.of(note))) {
                retries.remove(note.uuid());
            }
            if (!retries.containsKey(note.uuid())) {
                heldCheckpoints.remove(note.uuid());
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    public static final class Builder {
        private final NoteHandler handler;
        private WebhookVerifier verifier;
        private ProcessedNotes processed = ProcessedNotes.inMemory(100_000);
        private ExecutorService workers;
        private NoteFeed feed;
        private Duration pollEvery;
        private Notes notes;
        private boolean fetchFullNotes;
        private int maxPendingRetries = MAX_PENDING_RETRIES;
        private Clock clock = Clock.systemUTC();
        // Only the uuid and the exception type: the message of an import failure may quote the note.
        /** Null: logged by the inbox, which knows when the note will be retried. */
        private BiConsumer<Note, Exception> onFailure;
        private Consumer<Exception> onPollFailure = e -> LOG.log(Level.WARNING,
                "Polling notesync failed: {0}", e.getClass().getName() + (e instanceof NotesyncException
                        ? ": " + e.getMessage() : ""));

        private Builder(NoteHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /** How many failing notes are retried in memory at most (10,000); for tests. */
        Builder maxPendingRetries(int max) {
            this.maxPendingRetries = max;
            return this;
        }

        /** The clock that spaces the warnings about refused signed requests; for tests. */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The webhook's {@code whsec_} secret (two while you rotate). */
        public Builder webhookSecret(String... secrets) {
            this.verifier = WebhookVerifier.of(secrets);
            return this;
        }

        public Builder webhookVerifier(WebhookVerifier verifier) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        /** Deduplication store; in memory (100,000 notes) by default. */
        public Builder processedNotes(ProcessedNotes processed) {
            this.processed = Objects.requireNonNull(processed, "processed");
            return this;
        }

        /** Where notes are imported; one daemon thread by default, which keeps each note's versions in order. */
        public Builder executor(ExecutorService executor) {
            this.workers = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * The polling fallback. The guide recommends every 30 to 60 seconds; also the cadence of retries
         * of failed notes.
         */
        public Builder polling(NoteFeed feed, Duration every) {
            if (every.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("poll at most once a second");
            }
            this.feed = Objects.requireNonNull(feed, "feed");
            this.pollEvery = every;
            return this;
        }

        /** Without polling, how often failed notes are retried (every 30 s by default, once started). */
        public Builder retryEvery(Duration every) {
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("retry after a positive interval");
            }
            this.pollEvery = every;
            return this;
        }

        /**
         * Lets the inbox ask the API ({@code GET /notes/{uuid}}, scope {@code read:notes}) which version of
         * a note is the newest when two differ within the same second of {@code updatedAt}, so that a late
         * retry of an older event never overwrites a newer import. Recommended; without it such an older
         * version is imported.
         */
        public Builder client(NotesyncClient client) {
            this.notes = client.notes();
            return this;
        }

        /**
         * Fetches each note with {@code GET /notes/{uuid}} before handing it over, for the fields a webhook
         * does not carry (the clinician, the audio).
         */
        public Builder fetchFullNotes(NotesyncClient client) {
            this.notes = client.notes();
            this.fetchFullNotes = true;
            return this;
        }

        /** Called when the handler throws; by default logs the note uuid and the exception type. */
        public Builder onFailure(BiConsumer<Note, Exception> listener) {
            this.onFailure = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public Builder onPollFailure(Consumer<Exception> listener) {
            this.onPollFailure = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public NoteInbox build() {
            if (verifier == null && feed == null) {
                throw new IllegalStateException("Give a webhook secret, a polling feed, or both");
            }
            return new NoteInbox(this);
        }
    }
}
