package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.notesync.support.Http;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** What dev mode and production mode do when the server starts, on databases of the tests' own. */
@ExtendWith(OutputCaptureExtension.class)
class ModesIT {

    @TempDir
    Path dir;

    @Test
    void productionModeRefusesToStartOnH2() {
        Map<String, String> settings = Map.of(
                "spring.datasource.url", "jdbc:h2:mem:prod-" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
                "notesync.data-dir", dir.toString(),
                "notesync.mode", "production",
                "notesync.secret-key", "a-production-master-key-0123456789",
                "notesync.issuer", "http://127.0.0.1");
        assertThatThrownBy(() -> Apps.start(settings).close())
                .rootCause().hasMessageContaining("Production mode needs PostgreSQL")
                .hasMessageContaining("NOTESYNC_DB_URL");

        Map<String, String> profile = new LinkedHashMap<>(settings);
        profile.remove("notesync.mode");
        profile.put("spring.profiles.active", "prod");
        assertThatThrownBy(() -> Apps.start(profile).close())
                .as("the prod profile is production mode").rootCause().hasMessageContaining("needs PostgreSQL");

        BootstrapAdminContract.Run command = BootstrapAdminContract.command(settings, "--organization=Operator");
        assertThat(command.status()).isEqualTo(3);
        assertThat(command.err()).contains("Production mode needs PostgreSQL");
        assertThat(command.out()).doesNotContain("client_secret");
    }

    @Test
    void theEmbeddedDefaultWritesEachCommitToTheFileBeforeAnsweringIt() {
        // The default URL itself (no spring.datasource.url): H2's own 500 ms write delay lost answered notes.
        Map<String, String> settings = Map.of("notesync.mode", "dev", "notesync.data-dir",
                dir.toAbsolutePath().toString(), "notesync.secret-key", "");
        try (ConfigurableApplicationContext server = Apps.start(settings)) {
            JdbcClient jdbc = server.getBean(JdbcClient.class);
            assertThat(jdbc.sql("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")
                    .query(String.class).single()).isEqualTo("0");
        }
    }

    @Test
    void devModesFirstStartCreatesTheDemoDataOnceAndSaysHowToGetAToken(CapturedOutput output) {
        // No secret key: dev mode makes one in the data directory and must find it again after a restart.
        Map<String, String> settings = new LinkedHashMap<>(Apps.h2File(dir).settings());
        settings.put("notesync.mode", "dev");
        settings.put("notesync.secret-key", "");

        String firstToken;
        try (ConfigurableApplicationContext server = Apps.start(settings)) {
            int port = Apps.port(server);
            assertDemoDataOnce(server);
            assertThat(output.getOut()).contains("Get a token for the demo integration with",
                    "-u demo-integration:<secret>", "http://localhost:" + port + "/oauth2/token")
                    .doesNotContain("demo-secret", "demo-password");

            firstToken = demoToken(port, "demo-integration", "demo-secret", "profile read:notes");
            assertThat(new Http(port, firstToken).get("/me").json().at("/organizations/0/city").asString())
                    .isEqualTo("Lyon");
            String adminToken = demoToken(port, "demo-admin", "demo-admin-secret", "admin");
            assertThat(new Http(port, adminToken).get("/admin/organizations").status()).isEqualTo(200);
        }
        assertThat(Files.exists(dir.resolve("secret.key"))).isTrue();

        try (ConfigurableApplicationContext server = Apps.start(settings)) {
            int port = Apps.port(server);
            assertDemoDataOnce(server);
            // Same master key, same signing key: a token from before the restart still works.
            assertThat(new Http(port, firstToken).get("/me").status()).isEqualTo(200);
        }
    }

    private static void assertDemoDataOnce(ConfigurableApplicationContext server) {
        JdbcClient jdbc = server.getBean(JdbcClient.class);
        assertThat(jdbc.sql("SELECT name FROM organizations").query(String.class).list())
                .containsExactly("Demo Practice");
        assertThat(jdbc.sql("SELECT client_id FROM oauth2_registered_client").query(String.class).list())
                .containsExactlyInAnyOrder("demo-integration", "demo-admin");
        List<String> hashes = jdbc.sql("SELECT password_hash FROM users WHERE email = ?")
                .param("clinician@demo.notesync.local").query(String.class).list();
        assertThat(hashes).hasSize(1);
        assertThat(server.getBean(PasswordEncoder.class).matches("demo-password", hashes.get(0))).isTrue();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM users").query(Long.class).single()).isEqualTo(1);
    }

    private static String demoToken(int port, String clientId, String secret, String scope) {
        Http.Response response = new OAuthClient(port, new Clients.Created(null, clientId, secret, null, List.of(),
                List.of(), List.of(), null)).token(Map.of("grant_type", "client_credentials", "scope", scope));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().get("access_token").asString();
    }
}
