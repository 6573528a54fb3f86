package org.notesync.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The integrators' side: a webhook receiver on 127.0.0.1 with one path per organization. It checks every
 * request's Standard Webhooks signature, records when each event id first arrived and how often, and can
 * misbehave per organization (fail a share of requests, answer late) or go down altogether.
 */
final class Receiver implements AutoCloseable {

    /** How one organization's endpoint misbehaves: a share of requests answered 500, a delay before answering. */
    record Fault(double failRatio, Duration delay) {
        static final Fault NONE = new Fault(0, Duration.ZERO);
    }

    /** One event id as received: the organization, the first arrival (System.nanoTime) and how many times. */
    static final class Arrival {
        final int tenant;
        final long firstNanos;
        final AtomicInteger count = new AtomicInteger();

        Arrival(int tenant, long firstNanos) {
            this.tenant = tenant;
            this.firstNanos = firstNanos;
        }
    }

    private record Endpoint(int tenant, byte[] key, Fault fault) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ExecutorService executor = Executors.newFixedThreadPool(64, r -> {
        Thread thread = new Thread(r, "receiver");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<UUID, Arrival> arrivals = new ConcurrentHashMap<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failedOnPurpose = new LongAdder();
    private final LongAdder badSignatures = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final int port;
    private volatile HttpServer server;

    Receiver() throws IOException {
        this.server = listen(0);
        this.port = server.getAddress().getPort();
    }

    private HttpServer listen(int onPort) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 1024);
        http.createContext("/hooks/", this::handle);
        http.setExecutor(executor);
        http.start();
        return http;
    }

    /** The URL to register for an organization. */
    String url(int tenant) {
        return "http://127.0.0.1:" + port + path(tenant);
    }

    private static String path(int tenant) {
        return "/hooks/" + tenant;
    }

    /** Accepts this organization's events, signed with this {@code whsec_} secret. */
    void register(int tenant, String secret) {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        endpoints.put(path(tenant), new Endpoint(tenant, key, Fault.NONE));
    }

    void fault(int tenant, Fault fault) {
        endpoints.computeIfPresent(path(tenant), (p, e) -> new Endpoint(e.tenant(), e.key(), fault));
    }

    /** Stops listening: connections are refused until {@link #up()}. */
    synchronized void down() {
        server.stop(0);
    }

    /** Listens again on the same port. */
    synchronized void up() throws IOException {
        IOException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                server = listen(port);
                return;
            } catch (java.net.BindException e) {
                last = e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw last == null ? new IOException("interrupted") : last;
    }

    Arrival arrival(UUID eventId) {
        return arrivals.get(eventId);
    }

    int uniqueEvents() {
        return arrivals.size();
    }

    Map<UUID, Arrival> arrivals() {
        return arrivals;
    }

    long requests() {
        return requests.sum();
    }

    long failedOnPurpose() {
        return failedOnPurpose.sum();
    }

    long badSignatures() {
        return badSignatures.sum();
    }

    /** Events received again after their first arrival (at-least-once delivery's duplicates). */
    long duplicates() {
        return duplicates.sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long at = System.nanoTime();
        requests.increment();
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Endpoint endpoint = endpoints.get(exchange.getRequestURI().getPath());
            if (endpoint == null || !"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            Fault fault = endpoint.fault();
            if (!fault.delay().isZero()) {
                try {
                    Thread.sleep(fault.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (fault.failRatio() > 0 && ThreadLocalRandom.current().nextDouble() < fault.failRatio()) {
                failedOnPurpose.increment();
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            if (!signed(endpoint.key(), exchange, body)) {
                badSignatures.increment();
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            JsonNode events = JSON.readTree(body).get("events");
            for (JsonNode event : events) {
                UUID id = UUID.fromString(event.get("id").asString());
                Arrival arrival = arrivals.computeIfAbsent(id, k -> new Arrival(endpoint.tenant(), at));
                if (arrival.count.incrementAndGet() > 1) {
                    duplicates.increment();
                }
            }
            exchange.sendResponseHeaders(204, -1);
        }
    }

    /** The Standard Webhooks check an integrator makes: HMAC-SHA256 of "id.timestamp.body". */
    private static boolean signed(byte[] key, HttpExchange exchange, byte[] body) {
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
        String signatures = exchange.getRequestHeaders().getFirst("webhook-signature");
        if (id == null || timestamp == null || signatures == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(body);
            for (String signature : signatures.split(" ")) {
                if (signature.startsWith("v1,") && MessageDigest.isEqual(expected, decode(signature.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
