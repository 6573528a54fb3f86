package org.notesync.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without a database: the status command is tested against a real agent in SyncAgentContract. */
class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void emptyConfigFile() throws IOException {
        Files.createFile(dir.resolve("empty.properties"));
    }

    private int run(Map<String, String> env, String... args) throws InterruptedException {
        return Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void runWithoutTheServerSettingsExplainsWhatIsMissing() throws Exception {
        int code = run(Map.of("NOTESYNC_AGENT_JDBC_URL", "jdbc:h2:file:" + dir.resolve("agent").toAbsolutePath()),
                "run", "--config=" + dir.resolve("empty.properties"));
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
            assertThat(run(env, "run", "--config=" + dir.resolve("empty.properties"))).isEqualTo(2);
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
                "status", "--config=" + dir.resolve("empty.properties"));
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
        assertThat(run(Map.of("NOTESYNC_AGENT_JDBC_URL", url), "status", "--config=" + dir.resolve("empty.properties")))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no agent has used this database yet");
        try (Connection check = DriverManager.getConnection(url, "sa", "");
                ResultSet tables = check.getMetaData().getTables(null, null, "agent_inbox", null)) {
            assertThat(tables.next()).as("status created none of the agent's tables").isFalse();
        }
    }

    /**
     * A configuration file named (--config or NOTESYNC_AGENT_CONFIG) that is not there is an error: the agent ran
     * on its defaults, a database in the working directory.
     */
    @Test
    void aNamedConfigurationFileThatIsNotThereIsAConfigurationError() throws Exception {
        Path missing = dir.resolve("sync-agent.propertes");
        assertThat(run(Map.of(), "run", "--config=" + missing)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("does not exist").contains("sync-agent.propertes");
        assertThat(run(Map.of("NOTESYNC_AGENT_CONFIG", missing.toString()), "status")).isEqualTo(2);
    }

    /** A setting nobody reads (a typo) is refused with its name, in the file or the environment. */
    @Test
    void anUnknownSettingIsRefusedWithItsName() throws Exception {
        Path file = dir.resolve("typo.properties");
        Files.writeString(file, "pol-interval=5s\n");
        assertThat(run(Map.of(), "status", "--config=" + file)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown setting pol-interval");
        assertThat(run(Map.of("NOTESYNC_AGENT_POLL_INTERVALL", "5s"), "status", "--config=" + file)).isEqualTo(2);
    }

    /** A webhook secret that is not one notesync gives is refused at start, in one line (it was 401s later). */
    @Test
    void aWebhookSecretThatNotesyncDidNotGiveIsAConfigurationError() throws Exception {
        for (String secret : new String[] {"foo", "whsec_!!!"}) {
            err.reset();
            assertThat(run(Map.of("NOTESYNC_AGENT_WEBHOOK_SECRET", secret), "status",
                    "--config=" + dir.resolve("empty.properties"))).as(secret).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(secret).startsWith("Configuration error: webhook-secret")
                    .doesNotContain("\tat ");
        }
    }

    /** A database the agent cannot reach on run is one line, as on status (it was a stack trace). */
    @Test
    void aDatabaseThatCannotBeReachedOnRunIsOneLine() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Map<String, String> env = Map.of("NOTESYNC_AGENT_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + closed
                        + "/agent?password=hunter2", "NOTESYNC_AGENT_SERVER_URL", "http://127.0.0.1:9",
                "NOTESYNC_AGENT_CLIENT_ID", "c", "NOTESYNC_AGENT_CLIENT_SECRET", "s");
        assertThat(run(env, "run", "--config=" + dir.resolve("empty.properties"))).isEqualTo(1);
        String said = err.toString(StandardCharsets.UTF_8);
        assertThat(said).startsWith("Cannot start the agent: ").contains("127.0.0.1:" + closed)
                .doesNotContain("hunter2").doesNotContain("\tat ");
    }

    /**
     * A server-url that is not a URL (no scheme) is a configuration error naming it: it was "Cannot start the
     * agent: Illegal character in scheme name ... (its database: ...)", status 1, blaming the database.
     */
    @Test
    void aServerUrlThatIsNotAUrlIsAConfigurationErrorNamingIt() throws Exception {
        for (String url : List.of("127.0.0.1:8080", "ftp://notes.example.com", "notes.example.com")) {
            err.reset();
            Map<String, String> env = Map.of("NOTESYNC_AGENT_JDBC_URL", "jdbc:h2:file:" + dir.resolve("agent")
                    .toAbsolutePath(), "NOTESYNC_AGENT_SERVER_URL", url, "NOTESYNC_AGENT_CLIENT_ID", "c",
                    "NOTESYNC_AGENT_CLIENT_SECRET", "s");
            assertThat(run(env, "run", "--config=" + dir.resolve("empty.properties"))).as(url).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(url).startsWith("Configuration error: server-url")
                    .contains(url).doesNotContain("database");
        }
    }

    @Test
    void anUnknownCommandPrintsTheUsage() throws Exception {
        assertThat(run(Map.of(), "sync")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown command sync").contains("Usage:");
    }
}
