package org.notesync.bench;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Scenario 3: {@code GET /notes} with the guide's polling filters, pages of 20, over a million notes in
 * ten organizations (written with SQL, not through the API), at a fixed number of concurrent clients;
 * and in the same run the server's cheapest authenticated endpoint ({@code GET /me}: a token check and
 * one primary-key read), in alternating rounds, as a ratio.
 */
final class ApiThroughput {

    /** One kind of request: its name and how client {@code c} builds its next URI. */
    record Query(String name, java.util.function.BiFunction<Integer, ThreadLocalRandom, URI> uri) {
    }

    /** Requests, errors and latency of one query kind. */
    static final class Tally {
        final Histogram latency = new ConcurrentHistogram(3_600_000_000L, 3);
        final LongAdder requests = new LongAdder();
        final LongAdder errors = new LongAdder();
        long nanos;
        /** CPU seconds of the server nodes, the bench database's PostgreSQL sessions and the bench. */
        final double[] cpuSeconds = new double[3];
        boolean cpuMeasured;

        String cpuPerRequest(int which) {
            long n = requests.sum();
            return !cpuMeasured || n == 0 ? "-" : String.format("%.3f", cpuSeconds[which] * 1000 / n);
        }
    }

    private ApiThroughput() {
    }

    static void run(Context context) throws Exception {
        Options o = context.options;
        int orgs = o.integer("organizations");
        int notesEach = o.integer("notes") / orgs;
        int patientsEach = o.integer("api-patients");
        int concurrency = o.integer("concurrency");
        try (Cluster cluster = Cluster.start(context, "api", 1, false, Map.of())) {
            List<Tenants.Tenant> tenants = cluster.createTenants(orgs, 0);
            load(cluster, tenants, notesEach, patientsEach);
            tenants = Tenants.renewTokens(cluster.api, cluster.base(), tenants);
            Map<Integer, List<UUID>> patients = new LinkedHashMap<>();
            for (Tenants.Tenant t : tenants) {
                patients.put(t.index(), cluster.database.sharedPatients(t.organization(), 500));
            }
            Result result = measure(context, cluster.api, cluster.base(), cluster.cpu(), tenants, patients, concurrency,
                    o.duration("api-duration"), o.integer("rounds"), o.duration("warmup"));
            report(context, result, concurrency, o.integer("notes"), orgs);
        }
    }

    /** The data set, organization by organization, with a progress line. */
    static void load(Cluster cluster, List<Tenants.Tenant> tenants, int notesEach, int patientsEach) throws Exception {
        long started = System.nanoTime();
        int[] done = {0};
        try (Progress progress = Progress.of(() -> "api: writing the data set, " + done[0] + "/" + tenants.size()
                + " organizations (" + notesEach + " notes each)")) {
            for (Tenants.Tenant t : tenants) {
                cluster.database.loadNotes(t.organization(), 9, patientsEach, notesEach);
                done[0]++;
            }
            cluster.database.analyze();
        }
        Progress.say(String.format("api: %d notes written in %.0f s", (long) notesEach * tenants.size(),
                (System.nanoTime() - started) / 1e9));
    }

    record Result(Map<String, Tally> tallies, Duration measured) {
    }

    /**
     * Alternating rounds of {@code GET /me} and the {@code GET /notes} mix, each at {@code concurrency}
     * closed-loop clients for {@code duration}, after a warm-up of both.
     */
    static Result measure(Context context, Api api, URI base, CpuMeter cpu, List<Tenants.Tenant> tenants,
            Map<Integer, List<UUID>> patients, int concurrency, Duration duration, int rounds, Duration warmup)
            throws InterruptedException {
        String lastWeek = LocalDate.now(ZoneOffset.UTC).minusDays(7).toString();
        String lastQuarter = LocalDate.now(ZoneOffset.UTC).minusDays(90).toString();
        Query me = new Query("GET /me", (c, r) -> base.resolve("/me"));
        List<Query> notes = List.of(
                new Query("GET /notes?patient=&order[createdAt]=desc&page=1..3",
                        (c, r) -> base.resolve("/notes?patient=" + patient(patients, tenants, c, r)
                                + "&order%5BcreatedAt%5D=desc&page=" + (1 + r.nextInt(3)))),
                new Query("GET /notes?createdAt[after]=(7 days)&order[createdAt]=desc",
                        (c, r) -> base.resolve("/notes?createdAt%5Bafter%5D=" + lastWeek + "&order%5BcreatedAt%5D=desc")),
                new Query("GET /notes?patient=&createdAt[after]=(90 days)&order[createdAt]=desc",
                        (c, r) -> base.resolve("/notes?patient=" + patient(patients, tenants, c, r)
                                + "&createdAt%5Bafter%5D=" + lastQuarter + "&order%5BcreatedAt%5D=desc")));
        Map<String, Tally> tallies = new LinkedHashMap<>();
        tallies.put(me.name(), new Tally());
        tallies.put("GET /notes (the three filters below, in turn)", new Tally());
        for (Query q : notes) {
            tallies.put(q.name(), new Tally());
        }
        if (!warmup.isZero()) {
            Progress.say("api: warming up for " + warmup.toSeconds() + " s (not recorded)");
            closedLoop(api, tenants, List.of(me), concurrency, warmup.dividedBy(2), "warm-up /me", null, null, null);
            closedLoop(api, tenants, notes, concurrency, warmup.dividedBy(2), "warm-up /notes", null, null, null);
        }
        for (int round = 1; round <= rounds; round++) {
            closedLoop(api, tenants, List.of(me), concurrency, duration, "round " + round + "/" + rounds + " GET /me",
                    tallies.get(me.name()), tallies, cpu);
            closedLoop(api, tenants, notes, concurrency, duration, "round " + round + "/" + rounds + " GET /notes",
                    tallies.get("GET /notes (the three filters below, in turn)"), tallies, cpu);
        }
        return new Result(tallies, duration.multipliedBy(rounds));
    }

    private static UUID patient(Map<Integer, List<UUID>> patients, List<Tenants.Tenant> tenants, int client,
            ThreadLocalRandom random) {
        List<UUID> ids = patients.get(tenants.get(client % tenants.size()).index());
        return ids.get(random.nextInt(ids.size()));
    }

    /**
     * {@code concurrency} clients, each sending its next request when the last one is answered, for
     * {@code duration}; client {@code c} uses organization {@code c % n}'s token and goes through
     * {@code queries} in turn.
     */
    static void closedLoop(Api api, List<Tenants.Tenant> tenants, List<Query> queries, int concurrency,
            Duration duration, String label, Tally total, Map<String, Tally> byQuery, CpuMeter cpu)
            throws InterruptedException {
        CpuMeter.Snapshot cpuBefore = cpu == null ? null : cpu.begin();
        long benchBefore = CpuMeter.ticks(ProcessHandle.current().pid());
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        LongAdder requests = new LongAdder();
        LongAdder errors = new LongAdder();
        CountDownLatch done = new CountDownLatch(concurrency);
        List<Thread> threads = new ArrayList<>();
        try (Progress progress = Progress.of(() -> String.format("api %s: %d requests, %.0f/s, %d errors", label,
                requests.sum(), requests.sum() / Math.max(1e-9, (System.nanoTime() - start) / 1e9), errors.sum()))) {
            for (int c = 0; c < concurrency; c++) {
                int client = c;
                Thread thread = new Thread(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    String token = tenants.get(client % tenants.size()).token();
                    int turn = client;
                    try {
                        while (System.nanoTime() < end) {
                            Query query = queries.get(turn++ % queries.size());
                            URI uri = query.uri().apply(client, random);
                            long sent = System.nanoTime();
                            boolean ok;
                            try {
                                ok = api.getDiscarding(uri, token) == 200;
                            } catch (IOException e) {
                                ok = false;
                            }
                            long micros = (System.nanoTime() - sent) / 1000;
                            requests.increment();
                            if (!ok) {
                                errors.increment();
                            }
                            if (total != null) {
                                record(total, micros, ok);
                                if (queries.size() > 1) {
                                    record(byQuery.get(query.name()), micros, ok);
                                }
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.countDown();
                    }
                }, "api-client-" + c);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            done.await();
        }
        if (total != null) {
            long elapsed = System.nanoTime() - start;
            total.nanos += elapsed;
            if (cpu != null) {
                double[] used = cpu.end(cpuBefore, "api " + label);
                total.cpuSeconds[0] += used[0];
                total.cpuSeconds[1] += used[1];
                total.cpuSeconds[2] += (CpuMeter.ticks(ProcessHandle.current().pid()) - benchBefore) / 100.0;
                total.cpuMeasured = true;
            }
            if (queries.size() > 1) {
                for (Query q : queries) {
                    byQuery.get(q.name()).nanos += elapsed;
                }
            }
        }
    }

    private static void record(Tally tally, long micros, boolean ok) {
        tally.latency.recordValue(micros);
        tally.requests.increment();
        if (!ok) {
            tally.errors.increment();
        }
    }

    static double perSecond(Tally tally) {
        return tally.nanos == 0 ? 0 : tally.requests.sum() * 1e9 / tally.nanos;
    }

    static void report(Context context, Result result, int concurrency, int notes, int orgs) {
        Table table = new Table("API throughput: " + concurrency + " concurrent clients, " + String.format("%,d", notes)
                + " notes in " + orgs + " organizations, pages of 20", "endpoint", "requests", "requests/s", "p50 ms",
                "p95 ms", "p99 ms", "max ms", "errors", "server CPU ms/request", "PostgreSQL CPU ms/request",
                "bench CPU ms/request");
        result.tallies().forEach((name, t) -> table.row(name, t.requests.sum(), String.format("%.0f", perSecond(t)),
                Deliveries.ms(t.latency.getValueAtPercentile(50)), Deliveries.ms(t.latency.getValueAtPercentile(95)),
                Deliveries.ms(t.latency.getValueAtPercentile(99)), Deliveries.ms(t.latency.getMaxValue()),
                t.errors.sum(), t.cpuPerRequest(0), t.cpuPerRequest(1), t.cpuPerRequest(2)));
        List<Tally> all = new ArrayList<>(result.tallies().values());
        Tally me = all.get(0);
        Tally list = all.get(1);
        double ratio = perSecond(me) == 0 ? 0 : perSecond(list) / perSecond(me);
        long p99 = list.latency.getValueAtPercentile(99);
        table.note(String.format("GET /notes throughput is %.0f%% of GET /me's (target: at least 40%%); its p99 is %s ms "
                + "(target: under 50 ms). Rounds alternate the two endpoints, so both see the same machine. CPU per "
                + "request: process CPU time of the server, of the bench database's PostgreSQL sessions and of the "
                + "bench's clients during the measured rounds, divided by the requests.",
                ratio * 100, Deliveries.ms(p99)));
        context.print(table);
        if (!context.judging) {
            return;
        }
        context.verdict((ratio >= 0.4 ? "PASS" : "FAIL") + String.format(
                " target: GET /notes at least 40%% of the cheapest endpoint's throughput (%.0f%%)", ratio * 100));
        context.verdict((p99 < 50_000 ? "PASS" : "FAIL") + " target: GET /notes p99 under 50 ms at " + concurrency
                + " concurrent clients (" + Deliveries.ms(p99) + " ms)");
        long errors = me.errors.sum() + list.errors.sum();
        if (errors > 0) {
            context.verdict("FAIL api: " + errors + " requests were not answered 200");
        }
    }
}
