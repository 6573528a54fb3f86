package org.notesync.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.notesync.client.NotesyncClient;
import org.notesync.client.WebhookVerifier;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The running agent: the HTTP endpoint (webhooks and {@code GET /status}), the inbox worker and the feed
 * poller, over the agent's database. {@link #start()} catches up through the feed at once, then every
 * poll interval.
 */
final class SyncAgent implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SyncAgent.class.getName());
    private static final long INBOX_SWEEP_MILLIS = 1000;
    /**
     * How long the JDK's server waits for a request to arrive, in seconds (its default: for ever). A connection
     * that sent its headers and then stalled held one of the 4 handler threads for good: four of them (a
     * scanner, a broken proxy) stopped the webhooks and {@code /status}. notesync gives up after 5 s anyway.
     */
    static final String MAX_REQUEST_SECONDS = "10";

    static {
        // Read once, when the JDK's server is first used; a value given with -D wins.
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
    }
    /** As lenient as the SDK's: a field or an action added by a newer server never fails a stored request. */
    static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(EnumFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
            .build();

    private final AgentConfig config;
    private final AgentDatabase database;
    private final SyncState state;
    private final Inbox inbox;
    private final FeedCatchUp feed;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(named("agent-inbox"));
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(named("agent-poller"));
    private final ExecutorService http = Executors.newFixedThreadPool(4, named("agent-http"));
    private HttpServer server;

    SyncAgent(AgentConfig config, Clock clock) {
        this.config = config.requireServer();
        NotesyncClient client = NotesyncClient.builder(config.serverUrl())
                .clientCredentials(config.clientId(), config.clientSecret(), "read:notes", "read:patients")
                .build();
        this.database = AgentDatabase.open(config);
        this.state = new SyncState(database, clock);
        NoteImporter importer = new NoteImporter(database, state, client.notes(),
                new PatientDirectory(client.patients(), clock), clock);
        this.inbox = new Inbox(database, state, importer, clock);
        this.feed = new FeedCatchUp(client.notes(), importer, state, config.serverUrl());
    }

    synchronized SyncAgent start() {
        try {
            server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 0);
        } catch (IOException e) {
            close(); // its database and threads, opened for nothing
            throw new UncheckedIOException("Cannot listen on " + config.host() + ":" + config.port(), e);
        }
        server.setExecutor(http);
        if (config.webhookSecret() != null) {
            server.createContext(config.webhookPath(), exactly(config.webhookPath(), new WebhookEndpoint(
                    WebhookVerifier.of(config.webhookSecret()), inbox, state, this::wakeWorker)));
        }
        server.createContext("/status", exactly("/status", this::status));
        server.start();
        // Requests stored before a crash or a stop are imported first.
        worker.scheduleWithFixedDelay(this::drainQuietly, 0, INBOX_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        poller.scheduleWithFixedDelay(this::pollQuietly, 0, config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "notesync sync agent listening on {0}:{1,number,#} ({2})", config.host(), port(), config);
        return this;
    }

    /** The port listened on (the configured one, or the one chosen for port 0). */
    int port() {
        return server.getAddress().getPort();
    }

    /** Reads the change feed now, until caught up; returns the number of changes read. */
    int pollNow() {
        return feed.poll();
    }

    Status status() {
        return state.read();
    }

    AgentDatabase database() {
        return database;
    }

    private void wakeWorker() {
        try {
            worker.execute(this::drainQuietly);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // Stored already: imported at the next start.
        }
    }

    private void drainQuietly() {
        try {
            inbox.drain();
        } catch (RuntimeException e) {
            // A scheduled task that throws never runs again: keep the worker alive whatever happens.
            LOG.log(Level.WARNING, "The inbox worker failed: {0}", e.getClass().getSimpleName());
        }
    }

    private void pollQuietly() {
        try {
            feed.poll();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The feed poller failed: {0}", e.getClass().getSimpleName());
        }
    }

    /** The JDK's server matches a context by prefix ({@code /statusx}): only the path itself is answered. */
    private static HttpHandler exactly(String path, HttpHandler handler) {
        return exchange -> {
            if (path.equals(exchange.getRequestURI().getPath())) {
                handler.handle(exchange);
            } else {
                try (exchange) {
                    exchange.sendResponseHeaders(404, -1);
                }
            }
        };
    }

    private void status(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().add("Allow", "GET");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body;
            int code = 200;
            try {
                body = JSON.writeValueAsBytes(status());
            } catch (RuntimeException e) {
                code = 503;
                body = "{\"error\":\"the agent's database is not reachable\"}".getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(code, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(1);
        }
        poller.shutdownNow();
        worker.shutdown();
        http.shutdown();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
            poller.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        database.close();
    }

    private static ThreadFactory named(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
