package org.notesync.identity;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.notesync.NotesyncApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the whole application the way {@code java -jar} does, on a database of the test's own (a
 * fresh H2 file or a fresh PostgreSQL schema), for tests about what happens at start: modes, demo
 * data, the first administrator.
 */
final class Apps {

    private Apps() {
    }

    /** Starts the server on a random loopback port; settings go in as command-line arguments. */
    static ConfigurableApplicationContext start(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("server.address", "127.0.0.1");
        all.put("server.port", "0");
        all.put("spring.main.banner-mode", "off");
        all.putAll(settings);
        return new SpringApplicationBuilder(NotesyncApplication.class).run(arguments(all));
    }

    static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    static String[] arguments(Map<String, String> settings) {
        List<String> args = new ArrayList<>();
        settings.forEach((key, value) -> args.add("--" + key + "=" + value));
        return args.toArray(String[]::new);
    }

    /** A database that only this test uses. */
    interface Database extends AutoCloseable {
        Map<String, String> settings();

        @Override
        void close();
    }

    /** An H2 file database in the directory, as the embedded default uses. */
    static Database h2File(Path directory) {
        Map<String, String> settings = Map.of(
                "spring.datasource.url", "jdbc:h2:file:" + directory.resolve("notesync").toAbsolutePath()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
                "spring.datasource.username", "sa",
                "spring.datasource.password", "",
                "notesync.data-dir", directory.toAbsolutePath().toString());
        return new Database() {
            @Override
            public Map<String, String> settings() {
                return settings;
            }

            @Override
            public void close() {
                // the temporary directory goes with the test
            }
        };
    }

    /** A fresh schema of the test PostgreSQL ({@code NOTESYNC_TEST_POSTGRES_URL}), dropped on close. */
    static Database postgresSchema(Path dataDir) {
        String url = System.getenv("NOTESYNC_TEST_POSTGRES_URL");
        String user = System.getenv().getOrDefault("NOTESYNC_TEST_POSTGRES_USER", "postgres");
        String schema = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(url, user, "CREATE SCHEMA " + schema);
        Map<String, String> settings = Map.of(
                "spring.datasource.url", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                "spring.datasource.username", user,
                "spring.datasource.password", "",
                "spring.flyway.schemas", schema,
                "spring.datasource.hikari.connection-init-sql", "SET TIME ZONE 'America/Sao_Paulo'",
                "notesync.data-dir", dataDir.toAbsolutePath().toString());
        return new Database() {
            @Override
            public Map<String, String> settings() {
                return settings;
            }

            @Override
            public void close() {
                execute(url, user, "DROP SCHEMA " + schema + " CASCADE");
            }
        };
    }

    private static void execute(String url, String user, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot run on the test PostgreSQL: " + sql, e);
        }
    }
}
