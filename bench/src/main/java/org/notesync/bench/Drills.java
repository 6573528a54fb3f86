package org.notesync.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;

/**
 * The drills: a node killed during a burst, the receiver down for a minute, PostgreSQL restarted under
 * load. Each ends in a PASS or FAIL line with its counts.
 */
final class Drills {

    private static final DateTimeFormatter API_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");

    private Drills() {
    }

    /**
     * {@code kill -9} one of two nodes 40% into a burst: every note whose create was answered 201 must
     * arrive at least once (the dead node's leases expire and the other node sends them); duplicates are
     * counted, not failed.
     */
    static void kill(Context context) throws Exception {
        Options o = context.options;
        int burst = o.integer("burst");
        int rate = o.integer("burst-rate");
        try (Cluster cluster = Cluster.start(context, "drill-kill", 2, true, Map.of())) {
            cluster.createTenants(o.integer("organizations"), o.integer("patients"));
            Set<UUID> warm = EndToEnd.warmUp(cluster, o.duration("warmup").dividedBy(2));
            ServerNode survivor = cluster.nodes.get(0);
            ServerNode victim = cluster.nodes.get(1);
            long killAt = Math.round(burst * 0.4);
            AtomicLong killedAtNanos = new AtomicLong();
            OpenLoad.Router roundRobin = cluster.roundRobin();
            OpenLoad.Router router = i -> {
                if (i == killAt) {
                    killedAtNanos.set(System.nanoTime());
                    Thread killer = new Thread(() -> {
                        try {
                            victim.kill9();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, "kill-9");
                    killer.start();
                }
                OpenLoad.Target target = roundRobin.route(i);
                // After the kill the load balancer sends everything to the survivor.
                return i >= killAt ? new OpenLoad.Target(survivor.base(), target.tenant()) : target;
            };
            Progress.say("drill-kill: " + burst + " notes at " + rate + "/s over 2 nodes; kill -9 " + victim.name
                    + " (pid " + victim.pid() + ") at note " + killAt);
            OpenLoad.Run run = OpenLoad.run(cluster.api, "drill-kill burst", rate, burst, router, Duration.ofSeconds(60));
            // The victim's leases expire after notesync.webhooks.lease (30 s); then the survivor sends them.
            Deliveries d = Deliveries.await(cluster.receiver, run, t -> true, Duration.ofSeconds(120));
            Isolation.awaitQueueEmpty(cluster, Duration.ofSeconds(60));
            Map<String, Long> statuses = cluster.database.deliveriesByStatus();

            Set<UUID> known = new HashSet<>(warm);
            addNotes(known, run);
            long unacknowledged = cluster.receiver.arrivals().keySet().stream().filter(id -> !known.contains(id)).count();
            boolean killedMidBurst = killedAtNanos.get() != 0 && !victim.alive();
            boolean pass = killedMidBurst && d.missing() == 0 && statuses.getOrDefault("pending", 0L) == 0;

            Table table = new Table("Drill: kill -9 one of two nodes during a " + String.format("%,d", burst)
                    + "-note burst", "count", "value");
            table.row("notes sent (" + rate + "/s, both nodes, then the survivor)", run.sent.get());
            table.row("creates answered 201", run.created.sum());
            table.row("creates failed (in flight on the killed node)", run.failed.sum()
                    + (run.failed.sum() > 0 ? " (" + run.failureSummary() + ")" : ""));
            table.row("201 notes delivered at least once", d.delivered() + "/" + d.expected());
            table.row("201 notes never delivered", d.missing());
            table.row("duplicates (delivered more than once)", d.duplicates());
            table.row("delivered although the create got no answer", unacknowledged);
            table.row("deliveries by status at the end", statuses);
            table.row("delivery p99 / max ms (dead node's leases included)", d.p99() + " / " + d.max());
            String verdict = (pass ? "PASS" : "FAIL") + " drill-kill: " + d.delivered() + "/" + d.expected()
                    + " acknowledged notes delivered at least once, " + d.missing() + " missing, " + d.duplicates()
                    + " duplicates, " + run.failed.sum() + " creates failed with the node"
                    + (killedMidBurst ? "" : " (the node was NOT killed)");
            table.note(verdict);
            context.print(table);
            context.verdict(verdict);
        }
    }

    private static void addNotes(Set<UUID> ids, OpenLoad.Run run) {
        if (run != null) {
            for (UUID id : run.notes) {
                if (id != null) {
                    ids.add(id);
                }
            }
        }
    }

    /**
     * The receiver down for {@code --outage}: afterwards every event is delivered or in the failure queue
     * (none lost, none still pending), and one {@code recover} call empties the failure queue.
     */
    static void receiverDown(Context context) throws Exception {
        Options o = context.options;
        int rate = o.integer("drill-rate");
        Duration outage = o.duration("outage");
        Duration before = Duration.ofSeconds(10);
        Duration after = Duration.ofSeconds(10);
        int total = (int) (rate * (before.plus(outage).plus(after).toMillis() / 1000));
        try (Cluster cluster = Cluster.start(context, "drill-receiver-down", 1, true, Map.of())) {
            Tenants.Tenant tenant = cluster.createTenants(1, o.integer("patients")).get(0);
            String since = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1).truncatedTo(ChronoUnit.SECONDS)
                    .format(API_DATE);
            ScheduledExecutorService timeline = Executors.newSingleThreadScheduledExecutor();
            AtomicReference<String> problem = new AtomicReference<>();
            timeline.schedule(() -> {
                Progress.say("drill-receiver-down: receiver DOWN for " + outage.toSeconds() + " s");
                cluster.receiver.down();
            }, before.toMillis(), TimeUnit.MILLISECONDS);
            timeline.schedule(() -> {
                try {
                    cluster.receiver.up();
                    Progress.say("drill-receiver-down: receiver UP again");
                } catch (IOException e) {
                    problem.set("the receiver could not listen again: " + e);
                }
            }, before.plus(outage).toMillis(), TimeUnit.MILLISECONDS);
            Progress.say("drill-receiver-down: " + total + " notes at " + rate + "/s to one organization; the receiver"
                    + " goes down after " + before.toSeconds() + " s for " + outage.toSeconds() + " s");
            OpenLoad.Run run = OpenLoad.run(cluster.api, "drill-receiver-down", rate, total, cluster.roundRobin(),
                    Duration.ofSeconds(60));
            timeline.shutdown();
            timeline.awaitTermination(outage.toSeconds() + 30, TimeUnit.SECONDS);
            // Retries of the last events sent during the outage end 35 s after their first attempt.
            Isolation.awaitQueueEmpty(cluster, Duration.ofSeconds(150));

            Set<UUID> failedEvents = cluster.database.eventIds(tenant.webhook(), "failed");
            Deliveries afterOutage = Deliveries.measure(cluster.receiver, run, t -> true);
            int lost = 0;
            for (UUID note : run.notes) {
                if (note != null && cluster.receiver.arrival(note) == null && !failedEvents.contains(note)) {
                    lost++;
                }
            }
            long pendingAfterOutage = cluster.database.deliveriesByStatus().getOrDefault("pending", 0L);
            long queueBefore = failureQueue(cluster, tenant);

            // One recover call for the whole window.
            Api.Response started = cluster.api.post(cluster.base(), "/webhooks/" + tenant.webhook() + "/recover",
                    tenant.token(), Map.of("since", since)).expect(202);
            String location = started.headers().firstValue("location").orElseThrow();
            JsonNode recovery = started.json();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!"completed".equals(recovery.get("status").asString()) && System.nanoTime() < deadline) {
                Thread.sleep(500);
                recovery = cluster.api.get(cluster.base(), location, tenant.token()).expect(200).json();
            }
            Deliveries afterRecovery = Deliveries.await(cluster.receiver, run, t -> true, Duration.ofSeconds(120));
            Isolation.awaitQueueEmpty(cluster, Duration.ofSeconds(60));
            long queueAfter = failureQueue(cluster, tenant);

            boolean pass = problem.get() == null && lost == 0 && pendingAfterOutage == 0 && queueAfter == 0
                    && afterRecovery.missing() == 0 && "completed".equals(recovery.get("status").asString());
            Table table = new Table("Drill: the receiver down for " + outage.toSeconds() + " s (" + rate
                    + " notes/s to one webhook, " + total + " notes)", "count", "value");
            table.row("creates answered 201", run.created.sum());
            table.row("after the outage: delivered", afterOutage.delivered());
            table.row("after the outage: in the failure queue (4 attempts failed)", failedEvents.size()
                    + " (API totalItems: " + queueBefore + ")");
            table.row("after the outage: neither delivered nor in the failure queue", lost);
            table.row("after the outage: still pending", pendingAfterOutage);
            table.row("recover call: status / total / replayed", recovery.get("status").asString() + " / "
                    + recovery.get("total").asInt() + " / " + recovery.get("replayed").asInt());
            table.row("after recover: failure queue", queueAfter);
            table.row("after recover: delivered", afterRecovery.delivered() + "/" + afterRecovery.expected());
            table.row("duplicates", afterRecovery.duplicates());
            String verdict = (pass ? "PASS" : "FAIL") + " drill-receiver-down: " + afterOutage.delivered()
                    + " delivered + " + failedEvents.size() + " in the failure queue + " + lost + " lost of "
                    + run.created.sum() + "; after one recover call the failure queue holds " + queueAfter + " and "
                    + afterRecovery.delivered() + "/" + afterRecovery.expected() + " are delivered"
                    + (problem.get() == null ? "" : " (" + problem.get() + ")");
            table.note(verdict);
            context.print(table);
            context.verdict(verdict);
        }
    }

    /** The failure queue as an integrator sees it: {@code GET /webhook-deliveries?status=failed}'s totalItems. */
    private static long failureQueue(Cluster cluster, Tenants.Tenant tenant) throws IOException, InterruptedException {
        return cluster.api.get(cluster.base(), "/webhook-deliveries?status=failed&itemsPerPage=1", tenant.token())
                .expect(200).json().get("totalItems").asLong();
    }

    /**
     * PostgreSQL restarted during load: the node recovers by itself (no restart), and every note whose
     * create was answered 201 is delivered.
     */
    static void postgresRestart(Context context) throws Exception {
        Options o = context.options;
        int rate = o.integer("drill-rate");
        String command = restartCommand(o);
        Duration before = Duration.ofSeconds(10);
        int total = rate * 40;
        try (Cluster cluster = Cluster.start(context, "drill-postgres-restart", 1, true, Map.of())) {
            cluster.createTenants(o.integer("organizations"), o.integer("patients"));
            ServerNode node = cluster.nodes.get(0);
            long pid = node.pid();
            AtomicLong restartedAt = new AtomicLong();
            AtomicLong backAt = new AtomicLong();
            AtomicReference<String> outcome = new AtomicReference<>("not run");
            Thread restarter = new Thread(() -> {
                try {
                    Thread.sleep(before.toMillis());
                    Progress.say("drill-postgres-restart: running: " + command);
                    restartedAt.set(System.nanoTime());
                    Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
                    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    boolean finished = p.waitFor(90, TimeUnit.SECONDS);
                    int status = finished ? p.exitValue() : -1;
                    boolean reachable = cluster.database.awaitReachable(Duration.ofSeconds(60));
                    backAt.set(System.nanoTime());
                    outcome.set(status == 0 && reachable ? "ok" : "exit status " + status + (reachable ? ""
                            : ", PostgreSQL unreachable") + (output.isEmpty() ? "" : ": " + output));
                    Progress.say(String.format("drill-postgres-restart: PostgreSQL back after %.1f s (%s)",
                            (backAt.get() - restartedAt.get()) / 1e9, outcome.get()));
                } catch (IOException e) {
                    outcome.set(e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "postgres-restart");
            Progress.say("drill-postgres-restart: " + total + " notes at " + rate + "/s; PostgreSQL restarts after "
                    + before.toSeconds() + " s");
            restarter.start();
            OpenLoad.Run run = OpenLoad.run(cluster.api, "drill-postgres-restart", rate, total, cluster.roundRobin(),
                    Duration.ofSeconds(60));
            restarter.join(Duration.ofSeconds(180).toMillis());
            ensurePostgresRunning(cluster.database, o);
            Deliveries d = Deliveries.await(cluster.receiver, run, t -> true, Duration.ofSeconds(120));
            int createdAfter = 0;
            for (int i = 0; i < run.total; i++) {
                if (run.notes[i] != null && backAt.get() != 0 && run.respondedAt[i] > backAt.get()) {
                    createdAfter++;
                }
            }
            boolean sameProcess = node.alive() && node.pid() == pid && node.ready();
            boolean pass = "ok".equals(outcome.get()) && sameProcess && createdAfter > 0 && d.missing() == 0;
            Table table = new Table("Drill: PostgreSQL restarted during load (" + rate + " notes/s, " + total
                    + " notes)", "count", "value");
            table.row("restart command", "`" + command + "`: " + outcome.get());
            table.row("from the restart command to PostgreSQL answering again (s)", backAt.get() == 0 ? "?" :
                    String.format("%.1f", (backAt.get() - restartedAt.get()) / 1e9));
            table.row("creates answered 201", run.created.sum());
            table.row("creates failed during the outage", run.failed.sum()
                    + (run.failed.sum() > 0 ? " (" + run.failureSummary() + ")" : ""));
            table.row("creates answered 201 after PostgreSQL was back", createdAfter);
            table.row("server node: same process, ready", sameProcess ? "yes (pid " + pid + ")" : "NO");
            table.row("201 notes delivered", d.delivered() + "/" + d.expected());
            table.row("duplicates", d.duplicates());
            String verdict = (pass ? "PASS" : "FAIL") + " drill-postgres-restart: " + d.delivered() + "/" + d.expected()
                    + " acknowledged notes delivered, " + d.missing() + " missing, " + run.failed.sum()
                    + " creates refused during the outage, " + createdAfter + " created after it, server "
                    + (sameProcess ? "recovered without a restart" : "did NOT recover");
            table.note(verdict);
            table.note("This restarts the machine's shared PostgreSQL: other programs using it see their connections "
                    + "dropped.");
            context.print(table);
            context.verdict(verdict);
        } finally {
            ensurePostgresRunning(context.database(), o);
        }
    }

    /** {@code --pg-restart}, or pg_ctlcluster for the one cluster in /etc/postgresql. */
    static String restartCommand(Options o) throws IOException {
        if (!o.string("pg-restart").isBlank()) {
            return o.string("pg-restart");
        }
        Path etc = Path.of("/etc/postgresql");
        if (Files.isDirectory(etc)) {
            try (Stream<Path> versions = Files.list(etc)) {
                List<String> found = versions.map(p -> p.getFileName().toString()).sorted().toList();
                if (!found.isEmpty()) {
                    return "pg_ctlcluster --skip-systemctl-redirect " + found.get(found.size() - 1) + " main restart";
                }
            }
        }
        throw new IOException("No PostgreSQL cluster in /etc/postgresql: pass --pg-restart='<command that restarts "
                + "PostgreSQL>'");
    }

    /** Never leave PostgreSQL stopped: start it if it does not answer. */
    static void ensurePostgresRunning(BenchDatabase database, Options o) throws InterruptedException {
        if (database.awaitReachable(Duration.ofSeconds(30))) {
            return;
        }
        try {
            String start = restartCommand(o).replace(" restart", " start");
            Progress.say("PostgreSQL does not answer; running: " + start);
            new ProcessBuilder("sh", "-c", start).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
            database.awaitReachable(Duration.ofSeconds(60));
        } catch (IOException e) {
            Progress.say("PostgreSQL does not answer and could not be started: " + e.getMessage());
        }
    }
}
