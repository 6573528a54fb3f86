package org.notesync.pipeline;

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

/**
 * A stand-in for an OpenAI-compatible server on 127.0.0.1: records every request and answers as the
 * test scripts it (status, JSON body, optional delay).
 */
final class FakeServer implements AutoCloseable {

    record Request(String method, String path, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    record Answer(int status, String body, long delayMillis) {
        static Answer json(String body) {
            return new Answer(200, body, 0);
        }

        static Answer status(int status) {
            return new Answer(status, "{\"error\":{\"message\":\"Zebulon said: boom\"}}", 0);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Answer> answers = r -> Answer.status(500);

    FakeServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
                    exchange.getRequestBody().readAllBytes());
            requests.add(request);
            Answer answer = answers.apply(request);
            try {
                if (answer.delayMillis() > 0) {
                    Thread.sleep(answer.delayMillis());
                }
                byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream os = exchange.getResponseBody()) {
                        os.write(out);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the client gave up
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    FakeServer answer(Function<Request, Answer> how) {
        this.answers = how;
        return this;
    }

    /** Answers the given answers in turn, repeating the last. */
    FakeServer answers(Answer... script) {
        List<Answer> list = List.of(script);
        return answer(r -> list.get(Math.min(requests.size() - 1, list.size() - 1)));
    }

    void clear() {
        requests.clear();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests() {
        return new ArrayList<>(requests);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
