package org.notesync.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.notesync.client.NotesyncClient;

/**
 * A poll that fails because of a setting says which one, in the status and the log: "invalid_client" or
 * "ConnectException" alone left the practice's IT person to guess (found by a misconfiguration drill).
 */
class FeedCatchUpTest {

    @TempDir
    Path dir;

    /** The token endpoint's answer: status, then body. */
    private final AtomicReference<String[]> token = new AtomicReference<>();
    private final HttpServer server;

    FeedCatchUpTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/oauth2/token", exchange -> {
            String[] answer = token.get();
            byte[] body = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aPollRefusedForItsSettingsNamesTheSettingToCheck() throws IOException {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        token.set(new String[] {"401", "{\"error\":\"invalid_client\"}"});
        assertThat(pollError(url)).contains("invalid_client").contains("check client-id and client-secret");
        token.set(new String[] {"400", "{\"error\":\"invalid_scope\"}"});
        assertThat(pollError(url)).contains("invalid_scope").contains("read:notes and read:patients");
        token.set(new String[] {"404", "{\"title\":\"Not Found\",\"status\":404}"});
        assertThat(pollError(url)).contains("server-url (" + url + ") is notesync's base URL");
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String unreachable = "http://127.0.0.1:" + closed;
        assertThat(pollError(unreachable)).contains("server-url (" + unreachable + ") is right and reachable");
    }

    private String pollError(String url) {
        AgentConfig config = new AgentConfig(url, "pms", "secret", null, "127.0.0.1", 0, "/notesync/webhook",
                "jdbc:h2:file:" + dir.resolve("agent").toAbsolutePath(), "sa", "", Duration.ofSeconds(45));
        NotesyncClient client = NotesyncClient.builder(url).clientCredentials("pms", "secret", "read:notes",
                "read:patients").build();
        try (AgentDatabase database = AgentDatabase.open(config)) {
            SyncState state = new SyncState(database, Clock.systemUTC());
            NoteImporter importer = new NoteImporter(database, state, client.notes(),
                    new PatientDirectory(client.patients(), Clock.systemUTC()), Clock.systemUTC());
            new FeedCatchUp(client.notes(), importer, state, url).poll();
            return state.read().lastPollError();
        }
    }
}
