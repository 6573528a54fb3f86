package org.notesync.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time spent by the server nodes and by the PostgreSQL sessions of the bench database (Linux /proc),
 * so a step can say how much CPU one note costs: a figure that holds even when the machine is shared and
 * latencies are noisy.
 */
final class CpuMeter {

    /** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on Linux). */
    private static final double TICKS = 100.0;

    /** Process CPU in ticks at one instant: the nodes together, and the database's sessions together. */
    record Snapshot(long nodes, Map<Long, Long> sessions) {

        /** CPU seconds since {@code earlier}: nodes, database sessions. */
        double[] since(Snapshot earlier) {
            long db = 0;
            for (Map.Entry<Long, Long> s : sessions.entrySet()) {
                db += s.getValue() - earlier.sessions.getOrDefault(s.getKey(), 0L);
            }
            return new double[] {(nodes - earlier.nodes) / TICKS, db / TICKS};
        }
    }

    private final List<ServerNode> nodes;
    private final String database;
    private final Profiler profiler;

    CpuMeter(List<ServerNode> nodes, String database) {
        this(nodes, database, Profiler.OFF);
    }

    CpuMeter(List<ServerNode> nodes, String database, Profiler profiler) {
        this.nodes = nodes;
        this.database = database;
        this.profiler = profiler;
    }

    /** Begins a measured step: the CPU so far, and the nodes' profiles from now on when the bench profiles. */
    Snapshot begin() {
        profiler.start(nodes);
        return snapshot();
    }

    /** Ends the step begun at {@code before}: CPU seconds since (nodes, sessions); profiles named {@code step}. */
    double[] end(Snapshot before, String step) {
        double[] used = snapshot().since(before);
        profiler.stop(nodes, step);
        return used;
    }

    Snapshot snapshot() {
        long total = 0;
        for (ServerNode node : nodes) {
            total += ticks(node.pid());
        }
        Map<Long, Long> sessions = new HashMap<>();
        if (database != null) {
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                processes.filter(p -> p.getFileName().toString().matches("[0-9]+")).forEach(p -> {
                    try {
                        String command = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                        // A backend's title: "postgres: 15/main: <user> <database> 127.0.0.1(port) <state>"
                        if (command.startsWith("postgres: ") && command.contains(" " + database + " ")) {
                            long pid = Long.parseLong(p.getFileName().toString());
                            sessions.put(pid, ticks(pid));
                        }
                    } catch (IOException | RuntimeException e) {
                        // the process ended meanwhile, or is not ours to read
                    }
                });
            } catch (IOException e) {
                // not Linux
            }
        }
        return new Snapshot(total, sessions);
    }

    /** CPU seconds the nodes' JIT compiler threads have used so far (Linux; 0 elsewhere). */
    double compilerSeconds() {
        long total = 0;
        for (ServerNode node : nodes) {
            total += compilerTicks(node.pid());
        }
        return total / TICKS;
    }

    /** utime + stime of a JVM's compiler threads ("C1 CompilerThre", "C2 CompilerThre"), in ticks. */
    static long compilerTicks(long pid) {
        try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return threads.mapToLong(task -> {
                try {
                    return Files.readString(task.resolve("comm")).contains("CompilerThre") ? statTicks(task) : 0;
                } catch (IOException | RuntimeException e) {
                    return 0; // the thread ended meanwhile
                }
            }).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime of a process, in ticks; 0 if it is gone. */
    static long ticks(long pid) {
        try {
            return statTicks(Path.of("/proc", Long.toString(pid)));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime from the {@code stat} file of a process or thread directory under /proc. */
    private static long statTicks(Path directory) throws IOException {
        String stat = Files.readString(directory.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after the command: state(0) ppid(1) ... utime(11) stime(12)
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
