package org.notesync.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.notesync.support.PostgresCondition;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * docs/operations.md tells operators with a large {@code webhook_events} to add V15's column, fill it and
 * build its index beforehand, while the old version runs, so that the migration does not hold the table
 * locked for the backfill: the migration must then still run, keep that index, and fill the events the old
 * version wrote in between.
 */
class ReplayMissingMigrationIT {

    private static final UUID ORGANIZATION = UUID.randomUUID();

    @Test
    void onH2() {
        DriverManagerDataSource h2 = new DriverManagerDataSource("jdbc:h2:mem:v15_" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
        stepsDoneBeforehandThenTheMigration(h2, null, "CREATE INDEX");
    }

    @Test
    @ExtendWith(PostgresCondition.class)
    void onPostgres() throws SQLException {
        String schema = "v15_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String url = System.getenv(PostgresCondition.VARIABLE);
        String user = System.getenv().getOrDefault("NOTESYNC_TEST_POSTGRES_USER", "postgres");
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        try {
            DriverManagerDataSource postgres = new DriverManagerDataSource(url + (url.contains("?") ? "&" : "?")
                    + "currentSchema=" + schema, user, "");
            stepsDoneBeforehandThenTheMigration(postgres, schema, "CREATE INDEX CONCURRENTLY");
        } finally {
            try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static void stepsDoneBeforehandThenTheMigration(javax.sql.DataSource dataSource, String schema,
            String createIndex) {
        Flyway.configure().dataSource(dataSource).schemas(schema == null ? new String[0] : new String[] {schema})
                .locations("classpath:db/migration").target("14").load().migrate();
        JdbcClient jdbc = JdbcClient.create(dataSource);
        jdbc.sql("INSERT INTO organizations (id, name, created_at) VALUES (?, 'Clinic', CURRENT_TIMESTAMP)")
                .param(ORGANIZATION).update();
        UUID before = event(jdbc);

        // The steps of docs/operations.md, while the old version runs.
        jdbc.sql("ALTER TABLE webhook_events ADD COLUMN note_id uuid").update();
        jdbc.sql("UPDATE webhook_events SET note_id = event_id WHERE action = 'new_note' AND note_id IS NULL")
                .update();
        jdbc.sql(createIndex + " webhook_events_note ON webhook_events (note_id, created_at)").update();
        UUID between = event(jdbc);

        MigrateResult result = Flyway.configure().dataSource(dataSource)
                .schemas(schema == null ? new String[0] : new String[] {schema})
                .locations("classpath:db/migration").load().migrate();
        assertThat(result.success).isTrue();
        assertThat(result.migrations).extracting(m -> m.version).contains("15");
        assertThat(jdbc.sql("SELECT event_id FROM webhook_events WHERE note_id = event_id ORDER BY created_at")
                .query(UUID.class).list()).containsExactlyInAnyOrder(before, between);
        String index = schema == null
                ? "SELECT COUNT(*) FROM information_schema.indexes WHERE index_name = 'webhook_events_note'"
                : "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'webhook_events_note' AND schemaname = '"
                        + schema + "'";
        assertThat(jdbc.sql(index).query(Integer.class).single()).as("the index built beforehand").isPositive();
    }

    /** A new_note event as the old version wrote it: without note_id. */
    private static UUID event(JdbcClient jdbc) {
        UUID note = UUID.randomUUID();
        jdbc.sql("INSERT INTO webhook_events (id, event_id, organization_id, action, payload, created_at)"
                        + " VALUES (?, ?, ?, 'new_note', '{}', CURRENT_TIMESTAMP)")
                .params(UUID.randomUUID(), note, ORGANIZATION).update();
        return note;
    }
}
