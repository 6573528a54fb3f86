package org.notesync.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The harness checked in seconds (CI runs it; it never judges numbers): one node on an in-memory H2, or on
 * a fresh schema of the test PostgreSQL when {@code NOTESYNC_TEST_POSTGRES_URL} is set; a few notes
 * through the open-loop generator to the receiver; a second of each API endpoint; the memory line.
 */
final class Smoke {

    static final String POSTGRES_VARIABLE = "NOTESYNC_TEST_POSTGRES_URL";

    private Smoke() {
    }

    /** Whether every note arrived and every request succeeded. */
    static boolean run(Context context) throws Exception {
        Options o = context.options;
        context.judging = false;
        String postgres = System.getenv(POSTGRES_VARIABLE);
        String user = System.getenv().getOrDefault("NOTESYNC_TEST_POSTGRES_USER", "postgres");
        String schema = "bench_smoke_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String url;
        Map<String, String> settings;
        if (postgres != null && !postgres.isBlank()) {
            try (Connection c = DriverManager.getConnection(postgres, user, ""); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            url = postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            settings = Map.of("spring.flyway.schemas", schema);
            Progress.say("smoke: one node on PostgreSQL (" + POSTGRES_VARIABLE + "), schema " + schema);
        } else {
            url = "jdbc:h2:mem:" + schema + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;"
                    + "DB_CLOSE_DELAY=-1";
            user = "sa";
            settings = Map.of();
            Progress.say("smoke: one node on an in-memory H2 database");
        }
        try {
            ServerNode.Config config = context.nodeConfig(url, user, "", settings);
            try (Cluster cluster = Cluster.start(context, "smoke", 1, true, config, null)) {
                cluster.createTenants(2, 5);
                int notes = o.integer("smoke-notes");
                EndToEnd.Step step = EndToEnd.step(cluster, "smoke 50/s", 50, Duration.ofMillis(notes * 20L), t -> true);
                Table e2e = new Table("Smoke: end-to-end delivery (numbers not judged)", EndToEnd.COLUMNS)
                        .row(step.cells());
                context.print(e2e);

                List<Tenants.Tenant> tenants = cluster.tenants;
                Map<Integer, List<UUID>> patients = Map.of(0, tenants.get(0).patients(), 1, tenants.get(1).patients());
                ApiThroughput.Result api = ApiThroughput.measure(context, cluster.api, cluster.base(), cluster.cpu(), tenants,
                        patients, 2, Duration.ofSeconds(1), 1, Duration.ZERO);
                ApiThroughput.report(context, api, 2, notes, 2);
                long apiErrors = api.tallies().values().stream().mapToLong(t -> t.errors.sum()).sum();
                long apiRequests = api.tallies().values().stream().mapToLong(t -> t.requests.sum()).sum();

                boolean pass = step.run().created.sum() == notes && step.deliveries().delivered() == notes
                        && step.deliveries().missing() == 0 && apiErrors == 0 && apiRequests > 0;
                context.verdict((pass ? "PASS" : "FAIL") + " smoke: " + step.deliveries().delivered() + "/" + notes
                        + " notes delivered, " + step.run().failed.sum() + " create errors, " + apiRequests
                        + " API requests with " + apiErrors + " errors");
                return pass;
            }
        } finally {
            if (postgres != null && !postgres.isBlank()) {
                try (Connection c = DriverManager.getConnection(postgres, user, ""); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                } catch (SQLException e) {
                    Progress.say("smoke: could not drop schema " + schema + ": " + e.getMessage());
                }
            }
        }
    }
}
