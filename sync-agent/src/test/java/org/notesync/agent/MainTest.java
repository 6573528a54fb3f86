package org.notesync.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
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
    void noCommandIsAUsageErrorButHelpIsNot() throws Exception {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("No command given").contains("Usage:");
        assertThat(run(Map.of(), "help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage:");
    }

    @Test
    void aPortAlreadyTakenIsAConfigurationErrorNotAStackTrace() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = Map.of("NOTESYNC_AGENT_JDBC_URL", "jdbc:h2:file:" + dir.resolve("agent").toAbsolutePath(),
                    "NOTESYNC_AGENT_SERVER_URL", "http://127.0.0.1:9", "NOTESYNC_AGENT_CLIENT_ID", "c",
                    "NOTESYNC_AGENT_CLIENT_SECRET", "s", "NOTESYNC_AGENT_HOST", "127.0.0.1",
                    "NOTESYNC_AGENT_PORT", Integer.toString(taken.getLocalPort()));
            assertThat(run(env, "run", "--config=" + dir.resolve("none.properties"))).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("Configuration error: Cannot listen on 127.0.0.1:"
                    + taken.getLocalPort()).contains("set port or host");
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .as("the agent closed the database pool it had opened")
                    .noneMatch(name -> name.startsWith("notesync-agent"));
        }
    }

    @Test
    void statusOnADatabaseNoAgentHasUsedSaysSoAndCreatesNothing() throws Exception {
        Path absent = dir.resolve("elsewhere");
        int code = run(Map.of("NOTESYNC_AGENT_JDBC_URL", "jdbc:h2:file:" + absent.resolve("agent").toAbsolutePath()),
                "status", "--config=" + dir.resolve("none.properties"));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no agent database there")
                .contains("give jdbc-url an absolute one");
        assertThat(absent).doesNotExist();
    }

    @Test
    void statusOnAnExistingDatabaseWithoutTheAgentsTablesSaysNoAgentUsedIt() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("pms").toAbsolutePath();
        try (Connection practiceSystem = DriverManager.getConnection(url, "sa", "")) {
            practiceSystem.createStatement().execute("CREATE TABLE patients_of_the_pms (id INT)");
        }
        assertThat(run(Map.of("NOTESYNC_AGENT_JDBC_URL", url), "status", "--config=" + dir.resolve("none.properties")))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no agent has used this database yet");
        try (Connection check = DriverManager.getConnection(url, "sa", "");
                ResultSet tables = check.getMetaData().getTables(null, null, "agent_inbox", null)) {
            assertThat(tables.next()).as("status created none of the agent's tables").isFalse();
        }
    }

    @Test
    void anUnknownCommandPrintsTheUsage() throws Exception {
        assertThat(run(Map.of(), "sync")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown command sync").contains("Usage:");
    }
}
