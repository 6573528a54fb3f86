package org.notesync.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar bench/target/notesync-bench.jar <scenario> [--option=value ...]}: starts what the scenario
 * needs (server nodes on a fresh database of the local PostgreSQL, the loopback receiver), runs it, prints
 * its tables (Markdown, on standard output; progress on standard error) and ends with PASS/FAIL lines. The
 * exit status is 0 when nothing failed.
 */
public final class Bench {

    static final List<String> SCENARIOS = List.of("e2e", "isolation", "api", "drill-kill", "drill-receiver-down",
            "drill-postgres-restart", "all", "smoke");

    private static final String USAGE = """
            Usage: java -jar bench/target/notesync-bench.jar <scenario> [--option=value ...]

            Scenarios:
              e2e                     notes at fixed rates to a loopback receiver, then the highest rate held 60 s
              isolation               the same with one receiver failing 20% and one answering after 2 s
              api                     GET /notes over a million notes vs GET /me, at 16 concurrent clients
              drill-kill              kill -9 one of two nodes during a 10,000-note burst
              drill-receiver-down     the receiver down for 60 s, then one recover call
              drill-postgres-restart  PostgreSQL restarted during load (restarts the machine's PostgreSQL!)
              all                     every scenario above, the PostgreSQL restart last
              smoke                   the harness in seconds (CI): one node, 50 notes, numbers not judged

            Options:
            """;

    private Bench() {
    }

    public static void main(String[] args) {
        commonPoolOfAtLeastTwo();
        System.exit(run(args, System.out));
    }

    /**
     * java.net.http hands the completion of every {@code sendAsync} to CompletableFuture's default executor.
     * With fewer than three cores the common pool's parallelism is 1, and that executor then starts a new
     * thread for every task: a fifth of the bench's CPU at 1,700 notes/s (async-profiler), taken from the
     * server and PostgreSQL on the same two cores. Set before either class is first used.
     */
    static void commonPoolOfAtLeastTwo() {
        String parallelism = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(parallelism) == null) {
            System.setProperty(parallelism, Integer.toString(Math.max(2,
                    Runtime.getRuntime().availableProcessors() - 1)));
        }
    }

    /** Runs a scenario and returns the exit status: 0 all passed, 1 something failed, 2 bad usage. */
    public static int run(String[] args, PrintStream out) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            out.print(USAGE + Options.help());
            return args.length == 0 ? 2 : 0;
        }
        String scenario = args[0];
        if (!SCENARIOS.contains(scenario)) {
            out.println("Unknown scenario '" + scenario + "'. Scenarios: " + String.join(", ", SCENARIOS));
            return 2;
        }
        Options options;
        try {
            options = Options.parse(Arrays.asList(args).subList(1, args.length));
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            return 2;
        }
        try {
            Context context = new Context(options, out);
            context.print("## notesync bench: " + String.join(" ", args));
            context.print(machine(context, scenario).render());
            boolean smokePassed = true;
            switch (scenario) {
                case "e2e" -> EndToEnd.run(context);
                case "isolation" -> Isolation.run(context);
                case "api" -> ApiThroughput.run(context);
                case "drill-kill" -> Drills.kill(context);
                case "drill-receiver-down" -> Drills.receiverDown(context);
                case "drill-postgres-restart" -> Drills.postgresRestart(context);
                case "all" -> {
                    EndToEnd.run(context);
                    Isolation.run(context);
                    ApiThroughput.run(context);
                    Drills.kill(context);
                    Drills.receiverDown(context);
                    Drills.postgresRestart(context);
                }
                case "smoke" -> smokePassed = Smoke.run(context);
                default -> throw new IllegalStateException(scenario);
            }
            context.printMemory();
            if (context.judging) {
                context.verdict(memoryVerdict(context));
            }
            context.print("Load average at the end: " + loadAverage());
            context.print("");
            for (String verdict : context.verdicts()) {
                context.print(verdict);
            }
            context.print("Logs, profiles and results.md: " + context.runDirectory.toAbsolutePath());
            boolean failed = context.verdicts().stream().anyMatch(v -> v.startsWith("FAIL"));
            return scenario.equals("smoke") ? (smokePassed ? 0 : 1) : failed ? 1 : 0;
        } catch (Exception e) {
            out.println("FAIL " + scenario + ": " + e);
            e.printStackTrace(out);
            return 1;
        }
    }

    private static String memoryVerdict(Context context) {
        boolean failed = context.verdicts().stream().anyMatch(v -> v.startsWith("FAIL memory"));
        return failed ? "FAIL target: server RSS under 768 MB in every scenario (see the memory table)"
                : "PASS target: server RSS under 768 MB in every scenario";
    }

    /** Where the numbers come from: cores, memory, CPU, load, JDK, PostgreSQL, server jar. */
    private static Table machine(Context context, String scenario) throws IOException {
        Table table = new Table("Machine", "", "");
        table.row("cores (nproc)", Runtime.getRuntime().availableProcessors());
        table.row("CPU", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        table.row("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        table.row("load average at the start", loadAverage());
        table.row("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        table.row("OS", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        if (!scenario.equals("smoke")) {
            table.row("database", context.database().version() + " at " + context.options.string("postgres"));
        }
        table.row("server", context.serverJar() + ", -Xmx" + context.options.string("heap"));
        return table;
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "unknown";
    }
}
