package org.notesync.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The command line: {@code <scenario> [--name=value ...]}, every option with a documented default. */
final class Options {

    /** Every option, with its default and what it means (printed by {@code help}). */
    static final Map<String, String[]> KNOWN = new LinkedHashMap<>();

    static {
        known("server-jar", "", "the server's runnable jar (default: the newest server/target/notesync-server-*.jar "
                + "that is a Spring Boot jar)");
        known("postgres", "jdbc:postgresql://127.0.0.1:5432/", "PostgreSQL to run on (the bench creates its database there)");
        known("postgres-user", "postgres", "PostgreSQL user (must be allowed to create databases)");
        known("postgres-password", "", "its password");
        known("database", "notesync_bench", "the bench database: dropped and created again by every scenario");
        known("keep-database", "false", "keep the last scenario's database instead of dropping it");
        known("heap", "448m", "server JVM -Xmx; a node's RSS is about the heap plus 260 MB (metaspace, code cache, "
                + "GC, threads), and G1 grows the heap to -Xmx under saturation, so 448m keeps RSS under 768 MB");
        known("pool-size", "6", "connection pool size per server node, for the main pool and for the collections' "
                + "(NOTESYNC_DB_POOL_SIZE, NOTESYNC_DB_LIST_POOL_SIZE); the default follows "
                + "HikariCP's sizing rule for this 2-core machine, (cores x 2) + 1, rounded up");
        known("idempotency-keys", "false", "creates carry a new random Idempotency-Key, as the SDK's do (each then "
                + "takes a key row in its transaction)");
        known("jfr", "false", "record a JFR profile of every server node into the run directory");
        known("profile", "false", "async-profiler in every server node during each measured step: a CPU flame graph "
                + "per node and step (<node>-<step>.html) in the run directory");
        known("out", "bench/target/bench-runs", "where each run writes its logs, profiles and results.md");
        known("organizations", "10", "organizations (each with its client, clinician, patients and webhook)");
        known("patients", "20", "patients per organization (delivery scenarios)");
        known("rates", "50,200,1000", "e2e and isolation: fixed note-creation rates, per second");
        known("duration", "30s", "e2e and isolation: how long each fixed rate runs");
        known("warmup", "180s", "longest JIT warm-up before measuring (8 closed-loop clients creating notes until the "
                + "server's CPU per note is stable and its JIT compiler threads take at most 5% of it, at least 30 s; "
                + "not recorded)");
        known("probe", "15s", "e2e: length of each probe while searching the highest sustained rate");
        known("sustain", "60s", "e2e: how long the highest rate must hold");
        known("search-from", "0", "e2e: first rate of the search (default: the highest fixed rate that passed)");
        known("search", "true", "e2e: search the highest sustained rate after the fixed rates");
        known("isolation-rates", "200,1000", "isolation: rates run clean and with the faulty receivers");
        known("notes", "1000000", "api: notes in the data set, spread over the organizations");
        known("api-patients", "1000", "api: patients per organization in the data set");
        known("concurrency", "16", "api: concurrent clients");
        known("api-duration", "20s", "api: measuring time per endpoint per round");
        known("rounds", "2", "api: rounds alternating the cheapest endpoint and GET /notes");
        known("burst", "10000", "drill-kill: notes in the burst");
        known("burst-rate", "1000", "drill-kill: rate of the burst, per second");
        known("outage", "60s", "drill-receiver-down: how long the receiver is down");
        known("drill-rate", "50", "drill-receiver-down and drill-postgres-restart: notes per second");
        known("pg-restart", "", "drill-postgres-restart: the command that restarts PostgreSQL (default: "
                + "pg_ctlcluster --skip-systemctl-redirect <version> main restart)");
        known("smoke-notes", "50", "smoke: notes sent");
    }

    private static void known(String name, String defaultValue, String meaning) {
        KNOWN.put(name, new String[] {defaultValue, meaning});
    }

    private final Map<String, String> values = new LinkedHashMap<>();

    static Options parse(List<String> args) {
        Options options = new Options();
        List<String> unknown = new ArrayList<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                unknown.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            String value = eq < 0 ? "true" : arg.substring(eq + 1);
            if (!KNOWN.containsKey(name)) {
                unknown.add(arg);
            } else {
                options.values.put(name, value);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unknown argument(s): " + String.join(" ", unknown)
                    + ". Run with 'help' for the options.");
        }
        return options;
    }

    Options with(String name, String value) {
        if (!KNOWN.containsKey(name)) {
            throw new IllegalArgumentException(name);
        }
        Options copy = new Options();
        copy.values.putAll(values);
        copy.values.put(name, value);
        return copy;
    }

    String string(String name) {
        String value = values.get(name);
        return value != null ? value : KNOWN.get(name)[0];
    }

    boolean given(String name) {
        return values.containsKey(name);
    }

    int integer(String name) {
        try {
            return Integer.parseInt(string(name).replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, not " + string(name));
        }
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(string(name));
    }

    List<Integer> integers(String name) {
        List<Integer> list = new ArrayList<>();
        for (String part : string(name).split(",")) {
            if (!part.isBlank()) {
                try {
                    list.add(Integer.parseInt(part.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--" + name + " must be numbers separated by commas");
                }
            }
        }
        return list;
    }

    Duration duration(String name) {
        return parseDuration(name, string(name));
    }

    static Duration parseDuration(String name, String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
            }
            if (value.endsWith("m")) {
                return Duration.ofSeconds(Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 60));
            }
            return Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a duration such as 30s, 2m or 500ms, not " + text);
        }
    }

    static String help() {
        StringBuilder text = new StringBuilder();
        for (String name : KNOWN.keySet()) {
            String[] known = KNOWN.get(name);
            text.append(String.format("  --%-18s %s%s%n", name, known[1],
                    known[0].isEmpty() ? "" : " [" + known[0] + "]"));
        }
        return text.toString();
    }
}
