package org.notesync.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CI's check that the harness still works: the {@code smoke} scenario starts a real server node from the
 * server's jar (on H2, or on the test PostgreSQL when NOTESYNC_TEST_POSTGRES_URL is set), sends notes
 * through the open-loop generator to the loopback receiver and prints its tables. It asserts that every
 * note arrived and the tables were printed, never how fast.
 */
class SmokeIT {

    @Test
    void everyNoteArrivesAndTheTablesArePrinted(@TempDir Path runs) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            status = Bench.run(new String[] {"smoke", "--smoke-notes=50", "--out=" + runs}, out);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        assertThat(status).as("exit status").isZero();
        assertThat(output).contains("PASS smoke: 50/50 notes delivered, 0 create errors");
        assertThat(output).contains("### Smoke: end-to-end delivery", "| rate/s | notes | created/s |",
                "### API throughput", "| GET /me ", "### Memory after each scenario", "| smoke    | node-1 ");
        assertThat(runs.toFile().listFiles()).as("the run directory with the node's log and results.md").isNotEmpty();
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"}) // async-profiler's linux-x64 library
    void withProfileEachMeasuredStepLeavesAFlameGraphPerNode(@TempDir Path runs) throws IOException {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            status = Bench.run(new String[] {"smoke", "--smoke-notes=20", "--profile=true", "--out=" + runs}, out);
        }

        assertThat(status).as("exit status").isZero();
        try (Stream<Path> files = Files.walk(runs)) {
            List<Path> graphs = files.filter(f -> f.getFileName().toString().endsWith(".html")).toList();
            assertThat(graphs).extracting(f -> f.getFileName().toString())
                    .contains("node-1-smoke-50-s.html", "node-1-api-round-1-1-GET-me.html");
            for (Path graph : graphs) {
                // A flame graph of the server: its frame names include the server's own classes.
                assertThat(Files.readString(graph)).as(graph.toString()).contains("cpool", "notesync/");
            }
        }
    }

    @Test
    void anUnknownScenarioIsAUsageError() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int status = Bench.run(new String[] {"e2e-typo"}, new PrintStream(captured, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("Unknown scenario 'e2e-typo'", "smoke");
    }
}
