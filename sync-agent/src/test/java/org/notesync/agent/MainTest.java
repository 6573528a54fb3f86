package org.notesync.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without a database: the status command is tested against a real agent in SyncAgentContract. */
class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) throws InterruptedException {
        return Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void runWithoutTheServerSettingsExplainsWhatIsMissing() throws Exception {
        int code = run(Map.of("NOTESYNC_AGENT_JDBC_URL", "jdbc:h2:file:" + dir.resolve("agent").toAbsolutePath()),
                "run", "--config=" + dir.resolve("none.properties"));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("NOTESYNC_AGENT_SERVER_URL");
    }

    @Test
    void anUnknownCommandPrintsTheUsage() throws Exception {
        assertThat(run(Map.of(), "sync")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown command sync").contains("Usage:");
    }
}
