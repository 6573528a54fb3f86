package org.notesync.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** Points the application at a fresh schema of the test PostgreSQL, one per test JVM. */
public class PostgresInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final String SCHEMA = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static boolean created;

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        String url = PostgresCondition.url();
        if (url == null) {
            return;
        }
        createSchema(url);
        String withSchema = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
        Map<String, Object> settings = new HashMap<>(Map.of(
                "spring.datasource.url", withSchema,
                "spring.datasource.username", user(),
                "spring.datasource.password", "",
                "spring.flyway.schemas", SCHEMA,
                "spring.datasource.hikari.connection-init-sql", "SET TIME ZONE 'America/Sao_Paulo'"));
        String mode = context.getEnvironment().getProperty("notesync.mode");
        if (mode == null || mode.isBlank()) {
            // A test database, for trying things out: dev mode, which PostgreSQL takes only when asked for (a test
            // class that sets production mode keeps it).
            settings.put("notesync.mode", "dev");
        }
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("it-postgres", settings));
    }

    static String user() {
        String user = System.getenv("NOTESYNC_TEST_POSTGRES_USER");
        return user == null || user.isBlank() ? "postgres" : user;
    }

    public static String jdbcUrl() {
        String url = PostgresCondition.url();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
    }

    private static synchronized void createSchema(String url) {
        if (created) {
            return;
        }
        try (Connection c = DriverManager.getConnection(url, user(), ""); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the test schema on " + PostgresCondition.VARIABLE, e);
        }
        created = true;
    }
}
