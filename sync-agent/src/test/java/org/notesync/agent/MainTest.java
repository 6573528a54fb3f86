package org.notesync.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void statusOnAFreshDatabaseCreatesTheSchemaAndShowsNothingImported() throws Exception {
        int code = run(Map.of("NOTESYNC_AGENT_JDBC_URL", "jdbc:h2:file:" + dir.resolve("agent").toAbsolutePath()),
                "status", "--config=" + dir.resolve("none.properties"));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        JsonAssert.field(out, "notesImported", 0);
        JsonAssert.field(out, "duplicatesSkipped", 0);
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

    private static final class JsonAssert {
        static void field(ByteArrayOutputStream out, String name, long expected) {
            assertThat(SyncAgent.JSON.readTree(out.toString(StandardCharsets.UTF_8)).get(name).asLong())
                    .as(name).isEqualTo(expected);
        }
    }
}
