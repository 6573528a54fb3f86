package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.notesync.support.Http;
import org.notesync.support.OnPostgres;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Production mode on PostgreSQL, each test on a fresh schema. */
@OnPostgres
class ModesPostgresIT {

    @TempDir
    Path dir;

    /**
     * A production database started without the prod profile would get dev mode's demo clients, whose secrets are in
     * the README (demo-admin has the admin scope): PostgreSQL takes dev mode only when asked for.
     */
    @Test
    void noModeOnPostgresIsRefusedAndDevModeMustBeAskedFor() {
        try (Apps.Database database = Apps.postgresSchema(dir)) {
            Map<String, String> settings = new LinkedHashMap<>(database.settings());
            settings.put("notesync.mode", "");
            assertThatThrownBy(() -> Apps.start(settings).close())
                    .rootCause().hasMessageContaining("without a mode").hasMessageContaining("SPRING_PROFILES_ACTIVE=prod")
                    .hasMessageContaining("NOTESYNC_MODE=dev");
            BootstrapAdminContract.Run command = BootstrapAdminContract.command(settings, "--organization=Operator");
            assertThat(command.status()).isNotZero();
            assertThat(command.out()).doesNotContain("client_secret");

            settings.put("notesync.mode", "dev");
            try (ConfigurableApplicationContext server = Apps.start(settings)) {
                assertThat(server.getBean(JdbcClient.class).sql("SELECT COUNT(*) FROM oauth2_registered_client "
                        + "WHERE client_id = 'demo-admin'").query(Long.class).single()).as("asked for").isEqualTo(1);
            }
        }
    }

    @Test
    void productionModeNeedsTheSecretKey() {
        try (Apps.Database database = Apps.postgresSchema(dir)) {
            Map<String, String> settings = new LinkedHashMap<>(database.settings());
            settings.put("notesync.mode", "production");
            settings.put("notesync.secret-key", "");
            settings.put("notesync.issuer", "http://127.0.0.1");
            assertThatThrownBy(() -> Apps.start(settings).close())
                    .rootCause().hasMessageContaining("NOTESYNC_SECRET_KEY must be set");
        }
    }

    @Test
    void productionModeNeedsTheIssuer() {
        try (Apps.Database database = Apps.postgresSchema(dir)) {
            Map<String, String> settings = new LinkedHashMap<>(database.settings());
            settings.put("notesync.mode", "production");
            settings.put("notesync.secret-key", "a-production-master-key-0123456789");
            settings.put("notesync.issuer", "");
            assertThatThrownBy(() -> Apps.start(settings).close())
                    .rootCause().hasMessageContaining("NOTESYNC_ISSUER must be set");
        }
    }

    @Test
    void productionModeStartsOnPostgresAndCreatesNothing() {
        try (Apps.Database database = Apps.postgresSchema(dir)) {
            Map<String, String> settings = new LinkedHashMap<>(database.settings());
            settings.put("notesync.mode", "production");
            settings.put("notesync.secret-key", "a-production-master-key-0123456789");
            settings.put("notesync.issuer", "http://127.0.0.1");
            try (ConfigurableApplicationContext server = Apps.start(settings)) {
                JdbcClient jdbc = server.getBean(JdbcClient.class);
                for (String table : new String[] {"organizations", "users", "oauth2_registered_client"}) {
                    assertThat(jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single())
                            .as(table).isZero();
                }
                Http.Response metadata = new Http(Apps.port(server), null).get("/.well-known/oauth-authorization-server");
                assertThat(metadata.status()).isEqualTo(200);
                Http.Response demo = new OAuthClient(Apps.port(server), new Clients.Created(null, "demo-admin",
                        "demo-admin-secret", null, List.of(), List.of(), List.of(), null))
                        .token(Map.of("grant_type", "client_credentials", "scope", "admin"));
                assertThat(demo.status()).as("no demo client in production").isEqualTo(401);
            }
        }
    }
}
