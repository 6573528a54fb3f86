package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.notesync.NotesyncProperties;
import org.notesync.support.Http;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.unit.DataSize;

/**
 * Changing the master key (docs/operations.md): started with the new key as NOTESYNC_SECRET_KEY and the old one
 * as NOTESYNC_PREVIOUS_SECRET_KEY, a server reads what the old key encrypted and encrypts it again under the new
 * one, so that the old key can then be dropped; tokens, webhook secrets and Idempotency-Keys live through it.
 */
class MasterKeyChangeIT {

    private static final String SCOPES = "profile read:notes read:patients write:patients read:webhooks "
            + "write:webhooks";
    private static final String OLD = "the-old-master-key-0123456789abcdef";
    private static final String NEW = "the-new-master-key-fedcba9876543210";

    @TempDir
    Path dir;

    @Test
    void theStoredSecretsAreEncryptedAgainUnderTheNewKeyAndEverythingKeepsWorking() {
        String token;
        String webhookSecret;
        String patient;
        Map<String, String> stored;
        try (ConfigurableApplicationContext server = Apps.start(settings(OLD, null))) {
            int port = Apps.port(server);
            token = token(port);
            Http api = new Http(port, token);
            patient = createPatient(api, "key-change-1", "Ada").json().get("uuid").asString();
            String webhook = api.post("/webhooks", Map.of("url", "http://127.0.0.1:9/hook", "events",
                    List.of("new_note"))).json().get("uuid").asString();
            // The current secret and, after a rotation, the previous one are both stored encrypted.
            webhookSecret = api.post("/webhooks/" + webhook + "/rotate-secret", Map.of()).json().get("secret")
                    .asString();
            stored = stored(server);
        }
        assertThat(box(OLD).decrypt(stored.get("secret"))).isEqualTo(webhookSecret);

        try (ConfigurableApplicationContext server = Apps.start(settings(NEW, OLD))) {
            int port = Apps.port(server);
            Http api = new Http(port, token);
            assertThat(api.get("/me").status()).as("a token signed before the change").isEqualTo(200);
            Http.Response again = createPatient(api, "key-change-1", "Ada");
            assertThat(again.status()).as(again.toString()).isEqualTo(201);
            assertThat(again.header("Idempotent-Replayed")).as("a key taken before the change").isEqualTo("true");
            assertThat(again.json().get("uuid").asString()).isEqualTo(patient);
            assertThat(createPatient(api, "key-change-1", "Grace").status()).as("with another request")
                    .isEqualTo(422);

            Map<String, String> resealed = stored(server);
            SecretBox newOnly = box(NEW);
            assertThat(resealed).hasSameSizeAs(stored);
            resealed.forEach((name, value) -> {
                assertThat(value).as(name).isNotEqualTo(stored.get(name));
                assertThat(newOnly.decrypt(value)).as(name).isEqualTo(box(OLD).decrypt(stored.get(name)));
            });
            assertThat(token(port)).as("new tokens").isNotBlank();
        }

        try (ConfigurableApplicationContext server = Apps.start(settings(NEW, null))) {
            Http api = new Http(Apps.port(server), token);
            assertThat(api.get("/me").status()).as("the old key no longer needed").isEqualTo(200);
            assertThat(box(NEW).decrypt(stored(server).get("secret"))).isEqualTo(webhookSecret);
        }

        assertThatThrownBy(() -> Apps.start(settings("a-third-key-that-encrypted-nothing", null)).close())
                .as("a key that encrypted nothing stored").rootCause()
                .hasMessageContaining("cannot be decrypted with NOTESYNC_SECRET_KEY")
                .hasMessageContaining("NOTESYNC_PREVIOUS_SECRET_KEY");

        // A webhook secret neither key reads (a node that still had the old key alone wrote it) stops the start,
        // naming the webhook: the delivery engine would fail every batch holding one of its deliveries.
        String webhook;
        try (ConfigurableApplicationContext server = Apps.start(settings(NEW, null))) {
            JdbcClient jdbc = server.getBean(JdbcClient.class);
            webhook = jdbc.sql("SELECT id FROM webhooks").query(String.class).single();
            jdbc.sql("UPDATE webhooks SET secret = ?").param(box("an-unknown-master-key-0123456789abcdef")
                    .encrypt(webhookSecret)).update();
        }
        assertThatThrownBy(() -> Apps.start(settings(NEW, null)).close())
                .hasMessageStartingWith("Webhook " + webhook + ": A stored secret cannot be decrypted");
    }

    @Test
    void theSameKeyTwiceIsRefused() {
        assertThatThrownBy(() -> Apps.start(settings(NEW, NEW)).close()).rootCause()
                .hasMessageContaining("NOTESYNC_PREVIOUS_SECRET_KEY is the same as NOTESYNC_SECRET_KEY");
    }

    private Map<String, String> settings(String key, String previous) {
        Map<String, String> settings = new LinkedHashMap<>(Apps.h2File(dir).settings());
        settings.put("notesync.mode", "dev");
        settings.put("notesync.secret-key", key);
        settings.put("notesync.previous-secret-key", previous == null ? "" : previous);
        return settings;
    }

    private SecretBox box(String key) {
        return new SecretBox(new NotesyncProperties(NotesyncProperties.Mode.PRODUCTION, key, null, dir.toString(),
                null, DataSize.ofMegabytes(1), new NotesyncProperties.Dev("c", "s", "a", "as", "u@example.test", "p")));
    }

    /** Every encrypted value stored: the signing key's private half, the webhook's secret and previous secret. */
    private static Map<String, String> stored(ConfigurableApplicationContext server) {
        JdbcClient jdbc = server.getBean(JdbcClient.class);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("signing key", jdbc.sql("SELECT private_key FROM signing_keys").query(String.class).single());
        values.put("secret", jdbc.sql("SELECT secret FROM webhooks").query(String.class).single());
        values.put("previous secret", jdbc.sql("SELECT previous_secret FROM webhooks").query(String.class).single());
        return values;
    }

    private static Http.Response createPatient(Http api, String key, String firstName) {
        return api.send(api.builder("/patients").header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"firstName\":\"" + firstName + "\",\"lastName\":\"Lovelace\"}")));
    }

    private static String token(int port) {
        Http.Response response = new OAuthClient(port, new Clients.Created(null, "demo-integration", "demo-secret",
                null, List.of(), List.of(), List.of(), null)).token(Map.of("grant_type", "client_credentials",
                "scope", SCOPES));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().get("access_token").asString();
    }
}
