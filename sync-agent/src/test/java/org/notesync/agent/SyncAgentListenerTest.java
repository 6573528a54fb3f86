package org.notesync.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's listener is not stopped by connections that send a request's headers and then nothing: six of
 * them held its four handler threads for as long as they stayed open, and the webhooks and {@code /status}
 * went unanswered (found by a drill: {@code curl /status} timed out while they were open).
 */
class SyncAgentListenerTest {

    @TempDir
    Path dir;

    @Test
    void requestsThatStallAfterTheirHeadersDoNotStopTheListener() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        AgentConfig config = new AgentConfig("http://127.0.0.1:" + closed, "pms", "secret",
                SyncAgentContract.newSecret(), "127.0.0.1", 0, "/notesync/webhook",
                "jdbc:h2:file:" + dir.resolve("agent").toAbsolutePath(), "sa", "", Duration.ofHours(1));
        List<Socket> stalled = new ArrayList<>();
        try (SyncAgent agent = new SyncAgent(config, Clock.systemUTC()).start()) {
            for (int i = 0; i < 6; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), agent.port());
                OutputStream out = socket.getOutputStream();
                out.write(("POST /notesync/webhook HTTP/1.1\r\nHost: agent\r\nContent-Length: 1000\r\n\r\n{\"ev")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                stalled.add(socket);
            }
            HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + agent.port() + "/status")).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(200);
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }
}
