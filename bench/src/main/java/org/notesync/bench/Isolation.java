package org.notesync.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntPredicate;

/**
 * Scenario 2: the same load while organization 0's receiver fails 20% of requests and organization 1's
 * answers after 2 s. The other organizations' latencies, side by side with a clean run at the same rate.
 */
final class Isolation {

    static final int FAILING = 0;
    static final int SLOW = 1;
    static final Receiver.Fault FAILING_FAULT = new Receiver.Fault(0.2, Duration.ZERO);
    static final Receiver.Fault SLOW_FAULT = new Receiver.Fault(0, Duration.ofSeconds(2));

    private Isolation() {
    }

    static void run(Context context) throws Exception {
        Options o = context.options;
        try (Cluster cluster = Cluster.start(context, "isolation", 1, true, Map.of())) {
            cluster.createTenants(o.integer("organizations"), o.integer("patients"));
            EndToEnd.warmUp(cluster, o.duration("warmup"));
            IntPredicate healthy = t -> t != FAILING && t != SLOW;
            Table table = new Table("Isolation: healthy organizations' delivery latency, clean run vs. one receiver "
                    + "failing 20% and one answering after 2 s (" + o.duration("duration").toSeconds() + " s per run)",
                    "rate/s", "run", "organizations", "delivered", "p50 ms", "p95 ms", "p99 ms", "max ms",
                    "duplicates", "failure queue");
            for (int rate : o.integers("isolation-rates")) {
                EndToEnd.Step clean = EndToEnd.step(cluster, "clean " + rate + "/s", rate, o.duration("duration"), healthy);
                row(table, rate, "clean", "healthy (" + (cluster.tenants.size() - 2) + ")", clean.deliveries(), "");

                cluster.receiver.fault(FAILING, FAILING_FAULT);
                cluster.receiver.fault(SLOW, SLOW_FAULT);
                EndToEnd.Step faulty = EndToEnd.step(cluster, "faults " + rate + "/s", rate, o.duration("duration"),
                        healthy);
                row(table, rate, "with faults", "healthy (" + (cluster.tenants.size() - 2) + ")", faulty.deliveries(), "");
                // The faulty organizations: wait until their retries are over, then count.
                awaitQueueEmpty(cluster, Duration.ofSeconds(150));
                Deliveries failing = Deliveries.measure(cluster.receiver, faulty.run(), t -> t == FAILING);
                Deliveries slow = Deliveries.measure(cluster.receiver, faulty.run(), t -> t == SLOW);
                row(table, rate, "with faults", "failing 20% (1)", failing,
                        Long.toString(failed(cluster, cluster.tenants.get(FAILING).webhook())));
                row(table, rate, "with faults", "answers in 2 s (1)", slow,
                        Long.toString(failed(cluster, cluster.tenants.get(SLOW).webhook())));
                cluster.receiver.fault(FAILING, Receiver.Fault.NONE);
                cluster.receiver.fault(SLOW, Receiver.Fault.NONE);

                long cleanP99 = clean.deliveries().p99Micros();
                long faultyP99 = faulty.deliveries().p99Micros();
                boolean isolated = faulty.deliveries().missing() == 0 && faultyP99 < Math.max(2 * cleanP99, cleanP99 + 50_000);
                context.verdict((isolated ? "PASS" : "FAIL") + " isolation at " + rate + "/s: healthy p99 "
                        + clean.deliveries().p99() + " ms clean, " + faulty.deliveries().p99() + " ms with faults, "
                        + faulty.deliveries().missing() + " missing");
            }
            table.note("The failing organization's events are retried 5, 10 and 20 s later (the guide's schedule); "
                    + "an event failing all 4 attempts (0.2^4 = 0.16%) waits in the failure queue. The slow one's "
                    + "latency is measured when its request arrives, before the 2 s answer.");
            context.print(table);
        }
    }

    private static void row(Table table, int rate, String run, String organizations, Deliveries d, String failed) {
        table.row(rate, run, organizations, d.delivered() + "/" + d.expected(), d.p50(), d.p95(), d.p99(), d.max(),
                d.duplicates(), failed);
    }

    /** Waits until no delivery is pending (retries done), at most {@code patience}. */
    static void awaitQueueEmpty(Cluster cluster, Duration patience) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        long[] pending = {-1};
        try (Progress progress = Progress.of(() -> cluster.scenario + ": waiting for retries, " + pending[0]
                + " deliveries pending")) {
            while (System.nanoTime() < deadline) {
                pending[0] = cluster.database.deliveriesByStatus().getOrDefault("pending", 0L);
                if (pending[0] == 0) {
                    return;
                }
                Thread.sleep(500);
            }
        }
    }

    static long failed(Cluster cluster, UUID webhook) throws SQLException {
        try (Connection c = cluster.database.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ? AND status = 'failed'")) {
            s.setObject(1, webhook);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
