package org.notesync.webhook;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;
import org.notesync.support.Http;
import tools.jackson.databind.JsonNode;

/** A real webhook receiver on 127.0.0.1: records every request and answers as the test says. */
public final class Receiver implements AutoCloseable {

    /** What it received: lower-cased header names, the raw body. */
    public record Request(Map<String, String> headers, String body, long receivedAtNanos) {
        public JsonNode json() {
            return Http.JSON.readTree(body);
        }

        public String header(String name) {
            return headers.get(name);
        }

        /** The headers as the Standard Webhooks library wants them. */
        public Map<String, List<String>> headerLists() {
            Map<String, List<String>> lists = new HashMap<>();
            headers.forEach((k, v) -> lists.put(k, List.of(v)));
            return lists;
        }

        public List<String> eventIds() {
            List<String> ids = new ArrayList<>();
            json().get("events").forEach(e -> ids.add(e.get("id").asString()));
            return ids;
        }
    }

    /** How to answer: status, headers, body, and an optional delay before answering. */
    public record Answer(int status, Map<String, String> headers, String body, long delayMillis) {
        public static Answer status(int status) {
            return new Answer(status, Map.of(), "", 0);
        }

        public static Answer ok() {
            return status(200);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Answer> answers = r -> Answer.ok();

    public Receiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(headers, body, System.nanoTime());
            requests.add(request);
            Answer answer = answers.apply(request);
            if (answer.delayMillis() > 0) {
                try {
                    Thread.sleep(answer.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            try {
                exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream os = exchange.getResponseBody()) {
                        os.write(out);
                    }
                }
            } catch (IOException e) {
                // the sender gave up (timeout): nothing to answer
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    public Receiver answer(Function<Request, Answer> how) {
        this.answers = how;
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<String> eventIds() {
        List<String> ids = new ArrayList<>();
        requests.forEach(r -> ids.addAll(r.eventIds()));
        return ids;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
