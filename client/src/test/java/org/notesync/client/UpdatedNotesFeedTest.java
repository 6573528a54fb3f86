package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code NoteFeed.updatedSince} against a small {@code GET /notes} on 127.0.0.1 that filters on
 * {@code updatedAt[after]} (inclusive), orders by {@code updatedAt} and pages as the server does, showing
 * {@code updatedAt} to the second.
 */
class UpdatedNotesFeedTest {

    private static final Instant T0 = Instant.parse("2026-02-24T10:00:00Z");
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    record Stored(UUID uuid, Instant updatedAt) {
    }

    /** In updatedAt order. */
    private final List<Stored> notes = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final ServerSocket server;

    UpdatedNotesFeedTest() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket connection = server.accept();
                    Thread serving = new Thread(() -> serve(connection));
                    serving.setDaemon(true);
                    serving.start();
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    /**
     * HTTP/1.1 with keep-alive, each answer written at once: the JDK's HttpServer writes the headers and the body
     * apart, and each of the thousands of requests below waited for a delayed ACK.
     */
    private void serve(Socket connection) {
        try (connection) {
            BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            OutputStream out = connection.getOutputStream();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String target = line.split(" ")[1];
                while (!in.readLine().isEmpty()) {
                    // the request's headers: none matters here
                }
                byte[] body = page(target.substring(target.indexOf('?') + 1)).getBytes(StandardCharsets.UTF_8);
                byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/ld+json\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                byte[] answer = new byte[head.length + body.length];
                System.arraycopy(head, 0, answer, 0, head.length);
                System.arraycopy(body, 0, answer, head.length, body.length);
                out.write(answer);
                out.flush();
            }
        } catch (IOException | RuntimeException closed) {
            // the client went away
        }
    }

    /** {@code GET /notes}: updatedAt[after] inclusive, ordered by updatedAt, paged; updatedAt to the second. */
    private String page(String rawQuery) {
        requests.incrementAndGet();
        Map<String, String> query = query(rawQuery);
        Instant after = OffsetDateTime.parse(query.get("updatedAt[after]")).toInstant();
        int size = Integer.parseInt(query.get("itemsPerPage"));
        int page = Integer.parseInt(query.get("page"));
        List<Stored> matching;
        synchronized (notes) {
            // Kept in updatedAt order: added so.
            matching = notes.stream().filter(n -> !n.updatedAt().isBefore(after)).toList();
        }
        int from = Math.min((page - 1) * size, matching.size());
        List<Stored> items = matching.subList(from, Math.min(from + size, matching.size()));
        StringBuilder json = new StringBuilder("{\"member\":[");
        for (int i = 0; i < items.size(); i++) {
            String at = SECONDS.format(items.get(i).updatedAt().atOffset(ZoneOffset.UTC).withNano(0));
            json.append(i == 0 ? "" : ",").append("{\"uuid\":\"").append(items.get(i).uuid())
                    .append("\",\"type\":\"memo\",\"content\":\"x\",\"createdAt\":\"").append(at)
                    .append("\",\"updatedAt\":\"").append(at).append("\"}");
        }
        json.append("],\"totalItems\":").append(matching.size());
        if (from + size < matching.size()) {
            json.append(",\"view\":{\"next\":\"/notes?page=").append(page + 1).append("\"}");
        }
        return json.append('}').toString();
    }

    /**
     * A window of look-back holding more notes than 50 pages, all returned already (a bulk import of 6,000 in
     * six seconds): the feed still reaches the notes after them. It read at most 50 pages a call, found none
     * new among them, and stopped there at every call after.
     */
    @Test
    void aLookBackWindowOfManyNotesAlreadyReturnedNeverStopsTheFeed() {
        for (int i = 0; i < 6_000; i++) {
            notes.add(new Stored(UUID.randomUUID(), T0.plusMillis(i)));
        }
        NotesyncClient client = NotesyncClient.builder("http://127.0.0.1:" + server.getLocalPort())
                .accessTokens(AccessTokens.of("t")).build();
        NoteFeed feed = NoteFeed.updatedSince(client, T0.minusSeconds(60));

        Set<UUID> seen = new HashSet<>();
        List<UUID> twice = new ArrayList<>();
        for (int calls = 0; calls < 200; calls++) {
            List<Note> batch = feed.next();
            if (batch.isEmpty()) {
                break;
            }
            batch.forEach(n -> {
                if (!seen.add(n.uuid())) {
                    twice.add(n.uuid());
                }
            });
        }
        assertThat(seen).hasSize(6_000);
        assertThat(twice).isEmpty();

        UUID later = UUID.randomUUID();
        synchronized (notes) {
            notes.add(new Stored(later, T0.plusSeconds(7)));
        }
        assertThat(feed.next()).extracting(Note::uuid).containsExactly(later);
        assertThat(feed.next()).isEmpty();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }
}
