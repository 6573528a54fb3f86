package org.notesync.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreAnH2FileAndA45SecondPoll() {
        AgentConfig config = AgentConfig.load(dir.resolve("absent.properties"), Map.of());
        assertThat(config.jdbcUrl()).startsWith("jdbc:h2:file:").endsWith(";WRITE_DELAY=0");
        assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.port()).isEqualTo(8091);
        assertThat(config.webhookPath()).isEqualTo("/notesync/webhook");
        assertThat(config.webhookSecret()).isNull();
    }

    @Test
    void theEnvironmentWinsOverTheFile() throws IOException {
        Path file = dir.resolve("sync-agent.properties");
        Files.writeString(file, """
                server-url=https://notes.example.com
                client-id=from-file
                client-secret=file-secret
                poll-interval=30s
                jdbc-url=jdbc:postgresql://db/pms
                """);
        AgentConfig config = AgentConfig.load(file, Map.of("NOTESYNC_AGENT_CLIENT_ID", "from-env",
                "NOTESYNC_AGENT_POLL_INTERVAL", "1m", "NOTESYNC_AGENT_PORT", "9000"));
        assertThat(config.serverUrl()).isEqualTo("https://notes.example.com");
        assertThat(config.clientId()).isEqualTo("from-env");
        assertThat(config.pollInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db/pms");
        assertThat(config.requireServer()).isSameAs(config);
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> AgentConfig.load(null, Map.of("NOTESYNC_AGENT_POLL_INTERVAL", "soon")))
                .hasMessageContaining("poll-interval");
        assertThatThrownBy(() -> AgentConfig.load(null, Map.of("NOTESYNC_AGENT_POLL_INTERVAL", "500ms")))
                .hasMessageContaining("at least 1s");
        assertThatThrownBy(() -> AgentConfig.load(null, Map.of("NOTESYNC_AGENT_PORT", "eighty")))
                .hasMessageContaining("port");
        assertThatThrownBy(() -> AgentConfig.load(null, Map.of()).requireServer())
                .hasMessageContaining("NOTESYNC_AGENT_SERVER_URL");
    }

    @Test
    void secretsNeverAppearInItsDescription() {
        AgentConfig config = AgentConfig.load(null, Map.of("NOTESYNC_AGENT_SERVER_URL", "http://127.0.0.1:8080",
                "NOTESYNC_AGENT_CLIENT_ID", "pms", "NOTESYNC_AGENT_CLIENT_SECRET", "s3cret-client",
                "NOTESYNC_AGENT_WEBHOOK_SECRET", "whsec_c2VjcmV0", "NOTESYNC_AGENT_JDBC_PASSWORD", "s3cret-db",
                "NOTESYNC_AGENT_JDBC_URL", "jdbc:postgresql://db/pms?user=pms&password=s3cret-url"));
        assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("whsec_").contains("pms");
    }
}
