package org.notesync.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.notesync.client.AccessTokens;
import org.notesync.client.NotesyncClient;

/** The agent's patient directory against a {@code GET /patients/{uuid}} on 127.0.0.1 that answers as scripted. */
class PatientDirectoryTest {

    private final UUID patient = UUID.randomUUID();
    /** The externalId the API answers with; null: none; "404": the patient is gone. */
    private final AtomicReference<String> answer = new AtomicReference<>();
    private final AtomicInteger asked = new AtomicInteger();
    private final HttpServer server;
    private Instant now = Instant.parse("2026-02-24T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    PatientDirectoryTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/patients/", exchange -> {
            asked.incrementAndGet();
            String id = answer.get();
            boolean gone = "404".equals(id);
            byte[] body = (gone ? "{\"title\":\"Not Found\",\"status\":404}"
                    : "{\"uuid\":\"" + patient + "\",\"firstName\":\"A\",\"lastName\":\"B\",\"externalId\":"
                            + (id == null ? "null" : "\"" + id + "\"") + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", gone ? "application/problem+json" : "application/json");
            exchange.sendResponseHeaders(gone ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /**
     * An externalId changed in notesync is picked up within {@link PatientDirectory#RECHECK} (a known one was
     * kept for as long as the agent ran), and a patient deleted since keeps the one last seen.
     */
    @Test
    void aChangedExternalIdIsPickedUpAndADeletedPatientKeepsTheLastOneSeen() {
        PatientDirectory directory = new PatientDirectory(NotesyncClient.builder("http://127.0.0.1:"
                + server.getAddress().getPort()).accessTokens(AccessTokens.of("t")).build().patients(), clock);
        answer.set("PMS-A");
        assertThat(directory.externalId(patient)).contains("PMS-A");
        answer.set("PMS-B");
        now = now.plusSeconds(60);
        assertThat(directory.externalId(patient)).as("remembered for a while").contains("PMS-A");
        assertThat(asked).hasValue(1);
        now = now.plus(PatientDirectory.RECHECK);
        assertThat(directory.externalId(patient)).contains("PMS-B");

        answer.set("404");
        now = now.plus(PatientDirectory.RECHECK).plusSeconds(1);
        assertThat(directory.externalId(patient)).as("deleted since: the id last seen").contains("PMS-B");
        assertThat(directory.externalId(UUID.randomUUID())).as("never seen").isEqualTo(Optional.empty());
        assertThat(asked).hasValue(4);
    }
}
