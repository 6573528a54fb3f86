package org.notesync.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One notesync server, started as its own JVM from the server's runnable jar, the way an operator runs
 * it: its own heap limit, its log in the run directory, the bench's database. Stopped (or killed) by the
 * bench; a shutdown hook kills whatever is left if the bench itself is interrupted.
 */
final class ServerNode implements AutoCloseable {

    /** What every node of a run shares, and what differs per node. */
    record Config(Path jar, String jdbcUrl, String dbUser, String dbPassword, String secretKey, String heap,
            int poolSize, boolean jfr, Path runDirectory, Map<String, String> settings) {
    }

    /** Resident set now and at its peak, and the heap, in bytes. */
    record Memory(String node, long rss, long peakRss, long heapUsed, long heapCommitted) {
    }

    private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    private final Process process;
    private final Path log;

    private ServerNode(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts a node and waits until it is ready (its readiness probe says so), at most {@code patience}. */
    static ServerNode start(String name, Config config, Duration patience) throws IOException, InterruptedException {
        int port = freePort();
        Path dataDir = Files.createDirectories(config.runDirectory().resolve(name + "-data"));
        Path log = config.runDirectory().resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + config.heap());
        command.add("-XX:+ExitOnOutOfMemoryError");
        if (config.jfr()) {
            command.add("-XX:StartFlightRecording=filename=" + config.runDirectory().resolve(name + ".jfr")
                    + ",settings=profile,dumponexit=true");
        }
        command.add("-jar");
        command.add(config.jar().toString());
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("notesync.webhooks.node-id", name);
        settings.put("server.address", "127.0.0.1");
        settings.putAll(config.settings());
        settings.forEach((k, v) -> command.add("--" + k + "=" + v));

        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("NOTESYNC_DB_URL", config.jdbcUrl());
        env.put("NOTESYNC_DB_USER", config.dbUser());
        env.put("NOTESYNC_DB_PASSWORD", config.dbPassword());
        env.put("NOTESYNC_DB_POOL_SIZE", Integer.toString(config.poolSize()));
        env.put("NOTESYNC_DB_LIST_POOL_SIZE", Integer.toString(config.poolSize()));
        env.put("NOTESYNC_SECRET_KEY", config.secretKey());
        env.put("NOTESYNC_DATA_DIR", dataDir.toString());
        // One issuer for every node, as behind a load balancer: a token from one node works on the others.
        env.put("NOTESYNC_ISSUER", "http://notesync-bench.local");
        env.put("PORT", Integer.toString(port));
        env.remove("SPRING_PROFILES_ACTIVE");
        // Dev mode, asked for (PostgreSQL refuses the default): the receiver listens on loopback http.
        env.put("NOTESYNC_MODE", "dev");
        ServerNode node = new ServerNode(name, port, builder.start(), log);
        Runtime.getRuntime().addShutdownHook(new Thread(node.process::destroyForcibly));
        node.awaitReady(patience);
        return node;
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    private void awaitReady(Duration patience) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with status " + process.exitValue() + " while starting:\n"
                        + tail(40));
            }
            if (ready()) {
                return;
            }
            Thread.sleep(250);
        }
        process.destroyForcibly();
        throw new IOException(name + " was not ready within " + patience.toSeconds() + " s:\n" + tail(40));
    }

    /** Whether the readiness probe answers 200 (the server takes traffic). */
    boolean ready() {
        try {
            HttpResponse<Void> response = PROBE.send(HttpRequest.newBuilder(base().resolve("/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** RSS from /proc (Linux), the heap from the node's own metrics. Zero where unavailable. */
    Memory memory() {
        long rss = 0;
        long peak = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kilobytes(line) * 1024;
                } else if (line.startsWith("VmHWM:")) {
                    peak = kilobytes(line) * 1024;
                }
            }
        } catch (IOException e) {
            // not Linux, or the process is gone
        }
        long used = 0;
        long committed = 0;
        try {
            HttpResponse<String> metrics = PROBE.send(HttpRequest.newBuilder(base().resolve("/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            for (String line : metrics.body().split("\n")) {
                if (line.contains("area=\"heap\"")) {
                    if (line.startsWith("jvm_memory_used_bytes{")) {
                        used += value(line);
                    } else if (line.startsWith("jvm_memory_committed_bytes{")) {
                        committed += value(line);
                    }
                }
            }
        } catch (IOException e) {
            // the node is down: RSS only
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Memory(name, rss, peak, used, committed);
    }

    private static long kilobytes(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
    }

    private static long value(String prometheusLine) {
        return (long) Double.parseDouble(prometheusLine.substring(prometheusLine.lastIndexOf(' ') + 1));
    }

    /** {@code kill -9}: no shutdown hook, no graceful stop, leases left behind. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** A graceful stop (SIGTERM), then SIGKILL if it takes longer than 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
