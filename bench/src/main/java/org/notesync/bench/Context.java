package org.notesync.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What every scenario of one bench run shares: the options, the run directory (node logs, profiles,
 * results.md), the server jar, the master key of its nodes, and the tables printed so far.
 */
final class Context {

    /** Server RSS must stay under this in every scenario (the target). */
    static final long RSS_LIMIT = 768L * 1024 * 1024;

    final Options options;
    final PrintStream out;
    final Path runDirectory;
    final Profiler profiler;
    final String secretKey;
    private final List<String> printed = new ArrayList<>();
    private final Table memory = new Table("Memory after each scenario (per server node, -Xmx from --heap)",
            "scenario", "node", "RSS MB", "peak RSS MB", "heap used MB", "heap committed MB", "peak RSS < 768 MB");
    private final List<String> verdicts = new ArrayList<>();
    private Path serverJar;
    /** False for the smoke run: it checks the harness, never the numbers. */
    boolean judging = true;

    Context(Options options, PrintStream out) throws IOException {
        this.options = options;
        this.out = out;
        this.runDirectory = Files.createDirectories(Path.of(options.string("out"))
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
        this.profiler = options.flag("profile") ? Profiler.into(runDirectory) : Profiler.OFF;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.secretKey = Base64.getEncoder().encodeToString(key);
    }

    BenchDatabase database() {
        return new BenchDatabase(options.string("postgres"), options.string("database"),
                options.string("postgres-user"), options.string("postgres-password"));
    }

    /** The server's runnable jar: {@code --server-jar}, or the newest Spring Boot jar in server/target. */
    synchronized Path serverJar() throws IOException {
        if (serverJar != null) {
            return serverJar;
        }
        if (!options.string("server-jar").isEmpty()) {
            Path given = Path.of(options.string("server-jar"));
            if (!Files.isRegularFile(given)) {
                throw new IOException("--server-jar " + given + " does not exist");
            }
            return serverJar = given;
        }
        List<Path> directories = new ArrayList<>(List.of(Path.of("server", "target"), Path.of("..", "server", "target")));
        try {
            Path benchJar = Path.of(Context.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // bench/target/notesync-bench.jar or bench/target/classes -> server/target
            directories.add(benchJar.getParent().getParent().getParent().resolve("server").resolve("target"));
        } catch (Exception ignored) {
            // no code source: the working directory's candidates only
        }
        List<Path> candidates = new ArrayList<>();
        for (Path directory : directories) {
            if (!Files.isDirectory(directory)) {
                continue;
            }
            try (Stream<Path> files = Files.list(directory)) {
                files.filter(f -> f.getFileName().toString().matches("notesync-server-.*\\.jar"))
                        .filter(Context::isBootJar).forEach(candidates::add);
            }
        }
        serverJar = candidates.stream().max(Comparator.comparingLong(Context::modified)).orElseThrow(() ->
                new IOException("No runnable server jar in server/target. Build it first: "
                        + "./mvnw -q -pl bench -am package -DskipTests (or pass --server-jar=...)"));
        return serverJar;
    }

    private static boolean isBootJar(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest() != null && file.getManifest().getMainAttributes().getValue("Start-Class") != null;
        } catch (IOException e) {
            return false;
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Node settings for a run on {@code jdbcUrl}: dev mode (loopback webhooks are allowed only there;
     * production mode accepts https webhooks only) with PostgreSQL and an explicit master key shared by
     * every node, the rate limit raised far above the bench's traffic (its filter still runs), and
     * whatever the scenario adds.
     */
    ServerNode.Config nodeConfig(String jdbcUrl, String user, String password, Map<String, String> extra)
            throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("notesync.rate-limit.capacity", "1000000000");
        settings.put("notesync.rate-limit.refill", "1000000000");
        settings.putAll(extra);
        return new ServerNode.Config(serverJar(), jdbcUrl, user, password, secretKey, options.string("heap"),
                options.integer("pool-size"), options.flag("jfr"), runDirectory, settings);
    }

    /** Starts {@code count} nodes on the same database, one after the other (the first migrates it). */
    List<ServerNode> startNodes(int count, ServerNode.Config config) throws IOException, InterruptedException {
        List<ServerNode> nodes = new ArrayList<>();
        try {
            for (int i = 1; i <= count; i++) {
                Progress.say("  starting server node-" + i + " (" + config.jar().getFileName() + ", -Xmx"
                        + config.heap() + ")");
                nodes.add(ServerNode.start("node-" + i, config,
                        Duration.ofSeconds(240)));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            for (ServerNode node : nodes) {
                node.close();
            }
            throw e;
        }
        return nodes;
    }

    /** Records every live node's memory after a scenario. */
    void memory(String scenario, List<ServerNode> nodes) {
        for (ServerNode node : nodes) {
            if (!node.alive()) {
                continue;
            }
            ServerNode.Memory m = node.memory();
            boolean ok = m.peakRss() < RSS_LIMIT;
            memory.row(scenario, node.name, mb(m.rss()), mb(m.peakRss()), mb(m.heapUsed()), mb(m.heapCommitted()),
                    ok ? "PASS" : "FAIL");
            if (!ok && judging) {
                verdict("FAIL memory " + scenario + " " + node.name + ": peak RSS " + mb(m.peakRss()) + " MB");
            }
        }
    }

    static String mb(long bytes) {
        return Long.toString(Math.round(bytes / 1048576.0));
    }

    void print(Table table) {
        String text = table.render();
        out.println();
        out.print(text);
        out.flush();
        printed.add(text);
        appendResults(text);
    }

    void print(String line) {
        out.println(line);
        out.flush();
        printed.add(line + "\n");
        appendResults(line + "\n");
    }

    /** A PASS/FAIL line for the summary at the end. */
    void verdict(String line) {
        verdicts.add(line);
    }

    List<String> verdicts() {
        return verdicts;
    }

    void printMemory() {
        if (!memory.isEmpty()) {
            print(memory);
        }
    }

    private void appendResults(String text) {
        try {
            Files.writeString(runDirectory.resolve("results.md"), text + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the terminal has it
        }
    }
}
