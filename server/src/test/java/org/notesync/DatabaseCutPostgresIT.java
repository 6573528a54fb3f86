package org.notesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.notesync.support.CuttableProxy;
import org.notesync.support.Http;
import org.notesync.support.OnPostgres;
import org.notesync.support.Tenants;
import org.notesync.webhook.NoteFixture;
import org.notesync.webhook.Receiver;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A node whose PostgreSQL connections are cut without a reset (a firewall that dropped their state, a partition):
 * the statements in flight on them fail after the socket timeout instead of waiting for ever, the pool replaces
 * the connections, and the threads that ran them (the note writer, the delivery and pipeline pollers) work again.
 */
@OnPostgres
class DatabaseCutPostgresIT {

    private static final Pattern POSTGRES_URL = Pattern.compile("jdbc:postgresql://([^:/?]+)(?::(\\d+))?/(.*)");
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final String url = System.getenv("NOTESYNC_TEST_POSTGRES_URL");
    private final String user = System.getenv().getOrDefault("NOTESYNC_TEST_POSTGRES_USER", "postgres");
    private final String schema = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final Receiver receiver = new Receiver();
    private CuttableProxy proxy;
    private ConfigurableApplicationContext server;

    @BeforeEach
    void start() throws Exception {
        Matcher parts = POSTGRES_URL.matcher(url);
        assertThat(parts.matches()).as("a jdbc:postgresql://host:port/database URL: " + url).isTrue();
        int port = parts.group(2) == null ? 5432 : Integer.parseInt(parts.group(2));
        proxy = new CuttableProxy(new InetSocketAddress(parts.group(1), port));
        execute("CREATE SCHEMA " + schema);
        String database = parts.group(3);
        String proxied = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database
                + (database.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("server.address", "127.0.0.1");
        settings.put("server.port", "0");
        settings.put("spring.main.banner-mode", "off");
        settings.put("spring.datasource.url", proxied);
        settings.put("spring.datasource.username", user);
        settings.put("spring.datasource.password", "");
        settings.put("spring.flyway.schemas", schema);
        settings.put("spring.datasource.hikari.connection-init-sql", "SET TIME ZONE 'America/Sao_Paulo'");
        settings.put("spring.datasource.hikari.maximum-pool-size", "5");
        // An idle connection that was cut too is found dead when next borrowed, after this long.
        settings.put("spring.datasource.hikari.validation-timeout", "1000");
        settings.put("notesync.db.list-pool-size", "0");
        settings.put("notesync.db.socket-timeout", SOCKET_TIMEOUT.toSeconds() + "s");
        settings.put("notesync.data-dir", dir.toAbsolutePath().toString());
        settings.put("notesync.secret-key", "database-cut-test-key");
        settings.put("notesync.mode", "dev");
        // One writer: once it hangs, every create does.
        settings.put("notesync.notes.writers", "1");
        settings.put("notesync.webhooks.poll-interval", "200ms");
        settings.put("notesync.pipeline.poll-interval", "200ms");
        server = new SpringApplicationBuilder(NotesyncApplication.class).run(settings.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        receiver.close();
        if (proxy != null) {
            proxy.close();
        }
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    @Test
    void statementsCutOffFailAfterTheSocketTimeoutAndTheNodeWorksOnNewConnections() throws Exception {
        int port = Integer.parseInt(server.getEnvironment().getRequiredProperty("local.server.port"));
        Tenants.Tenant tenant = server.getBean(Tenants.class).create();
        Http api = tenant.api(port);
        Http.Response webhook = api.post("/webhooks", Map.of("url", receiver.url(), "events", List.of("new_note"),
                "active", true));
        assertThat(webhook.status()).as(webhook.toString()).isEqualTo(201);
        NoteFixture.Patient patient = server.getBean(NoteFixture.class).patient(tenant);
        Http.Response before = create(api, patient, "Before the cut.");
        assertThat(before.status()).as(before.toString()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests().size() == 1);

        // Have the note writer and the two pollers wait in PostgreSQL, then cut their connections: PostgreSQL's
        // answers, once the locks go, never reach the node.
        CompletableFuture<Http.Response> inFlight;
        List<String> waiting;
        try (Connection holder = DriverManager.getConnection(url, user, "")) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("LOCK TABLE " + schema + ".feed_sequencer, " + schema + ".webhook_deliveries, " + schema
                        + ".pipeline_jobs IN ACCESS EXCLUSIVE MODE");
            }
            inFlight = CompletableFuture.supplyAsync(() -> create(api, patient, "Written as the link is cut."));
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                    .until(() -> waitingThroughProxy(holder).size() >= 3);
            waiting = waitingThroughProxy(holder);
            assertThat(proxy.cut()).isPositive();
            holder.rollback();
        }
        System.out.println("Cut while these statements waited for a lock: " + waiting);

        Thread.sleep(SOCKET_TIMEOUT.plusSeconds(2).toMillis());
        // A thread may then wait a while longer on a new connection, for the feed lock a cut session took once the
        // holder let go: PostgreSQL ends such a session 10 s after its last statement (the feed lock's idle limit),
        // and the next cut session waiting for the lock may take it for 10 s more. Without the socket timeout, the
        // threads above wait for ever.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(threadsStuckInDatabaseReads())
                        .as("threads still waiting for PostgreSQL's answer").isEmpty());
        Http.Response cutOff = inFlight.get(5, TimeUnit.SECONDS);
        assertThat(cutOff.status()).as(cutOff.toString()).isGreaterThanOrEqualTo(500);

        // Until those sessions end, a create waiting for the feed lock is a 503 (with Retry-After), as a client
        // retries it; then it is written on a new connection and delivered.
        Http.Response[] after = new Http.Response[1];
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            after[0] = create(api, patient, "After the cut.");
            assertThat(after[0].status()).as(after[0].toString()).isIn(201, 503);
            assertThat(after[0].status()).isEqualTo(201);
        });
        String uuid = after[0].json().get("uuid").asString();
        await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests().stream()
                .anyMatch(r -> r.body().contains(uuid)));
    }

    @Test
    void migrationsWaitAsLongAsTheyTakeAndTheServersConnectionsAtMostTheTimeout() throws Exception {
        DataSource pool = server.getBean(DataSource.class);
        DataSource migrations = server.getBean(Flyway.class).getConfiguration().getDataSource();

        try (Connection connection = migrations.getConnection()) {
            assertThat(connection.getNetworkTimeout()).isZero();
        }
        try (Connection connection = pool.getConnection()) {
            assertThat(connection.getNetworkTimeout()).isEqualTo(SOCKET_TIMEOUT.toMillis());
        }
    }

    private static Http.Response create(Http api, NoteFixture.Patient patient, String content) {
        return api.post("/notes", Map.of("patient", patient.id().toString(), "type", "memo", "content", content,
                "user", patient.ownerId().toString()));
    }

    /** The statements of the node (its connections come through the proxy) waiting for a lock now. */
    private List<String> waitingThroughProxy(Connection holder) throws SQLException {
        List<String> waiting = new ArrayList<>();
        try (Statement s = holder.createStatement(); ResultSet rows = s.executeQuery("""
                SELECT client_port, query FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()""")) {
            while (rows.next()) {
                if (proxy.upstreamPorts().contains(rows.getInt(1))) {
                    waiting.add(rows.getString(2).replaceAll("\\s+", " "));
                }
            }
        }
        return waiting;
    }

    /**
     * The threads inside pgjdbc in each of several looks a while apart, with where they are: waiting for an
     * answer that does not come. A healthy node's statements take milliseconds.
     */
    private static Map<String, String> threadsStuckInDatabaseReads() throws InterruptedException {
        Map<String, String> stuck = null;
        for (int look = 0; look < 5; look++) {
            Map<String, String> now = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith("org.postgresql")))
                    .collect(Collectors.toMap(e -> e.getKey().getName(), e -> caller(e.getValue())));
            if (stuck == null) {
                stuck = new LinkedHashMap<>(now);
            } else {
                stuck.keySet().retainAll(now.keySet());
            }
            Thread.sleep(300);
        }
        return stuck;
    }

    /** The first frame of the application's own code. */
    private static String caller(StackTraceElement[] frames) {
        return Arrays.stream(frames).filter(f -> f.getClassName().startsWith("org.notesync")).findFirst()
                .map(StackTraceElement::toString).orElse("?");
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
