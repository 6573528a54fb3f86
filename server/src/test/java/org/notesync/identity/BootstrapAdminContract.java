package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.notesync.NotesyncApplication;
import org.notesync.support.Http;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * {@code bootstrap-admin}, called in-process through the application's entry point, on a database of
 * its own; the credentials it prints are then used against the server started on that database.
 */
abstract class BootstrapAdminContract {

    @TempDir
    Path dir;

    /** A fresh database for the test. */
    abstract Apps.Database database(Path dir);

    /** The mode the command and the server run in. */
    abstract Map<String, String> mode();

    record Run(int status, String out, String err) {
    }

    @Test
    void theFirstRunMakesAnAdminClientWhoseCredentialsGetAnAdminTokenAndASecondRunRefuses() {
        try (Apps.Database database = database(dir)) {
            Map<String, String> settings = new LinkedHashMap<>(database.settings());
            settings.putAll(mode());

            Run first = command(settings, "--organization=Operator", "--client-name=ops");
            assertThat(first.status()).as(first.err()).isZero();
            String clientId = field(first.out(), "client_id");
            String secret = field(first.out(), "client_secret");
            assertThat(clientId).startsWith("nsc_");
            assertThat(secret).startsWith("nss_");

            Run second = command(settings, "--organization=Another");
            assertThat(second.status()).isEqualTo(1);
            assertThat(second.err()).contains("Refused", "admin scope already exists");
            assertThat(second.out()).doesNotContain("client_secret");

            try (ConfigurableApplicationContext server = Apps.start(settings)) {
                int port = Apps.port(server);
                Clients.Created operator = new Clients.Created(null, clientId, secret, "ops", List.of(), List.of(),
                        List.of(), null);
                Http.Response token = new OAuthClient(port, operator)
                        .token(Map.of("grant_type", "client_credentials", "scope", "admin"));
                assertThat(token.status()).as(token.toString()).isEqualTo(200);
                assertThat(token.json().get("scope").asString()).isEqualTo("admin");
                Http api = new Http(port, token.json().get("access_token").asString());

                List<JsonNode> organizations = new ArrayList<>();
                api.get("/admin/organizations?itemsPerPage=100", "application/json").json().forEach(organizations::add);
                JsonNode operatorOrg = organizations.stream()
                        .filter(o -> o.get("name").asString().equals("Operator")).findFirst().orElseThrow();
                assertThat(organizations).noneMatch(o -> o.get("name").asString().equals("Another"));

                JsonNode clients = api.get("/admin/organizations/" + operatorOrg.get("uuid").asString() + "/clients",
                        "application/json").json();
                assertThat(clients).hasSize(1);
                assertThat(clients.get(0).get("clientId").asString()).isEqualTo(clientId);
                assertThat(clients.get(0).get("name").asString()).isEqualTo("ops");
                assertThat(clients.get(0).get("grantTypes").get(0).asString()).isEqualTo("client_credentials");
                assertThat(clients.get(0).get("grantTypes")).hasSize(1);
                assertThat(clients.get(0).get("scopes")).hasSize(1);
                assertThat(clients.get(0).get("scopes").get(0).asString()).isEqualTo("admin");

                // An operator, not an integration: no API scope beyond admin.
                assertThat(api.get("/me").status()).isEqualTo(403);
                Http.Response more = new OAuthClient(port, operator)
                        .token(Map.of("grant_type", "client_credentials", "scope", "read:notes"));
                assertThat(more.json().get("error").asString()).isEqualTo("invalid_scope");

                // With its token the operator makes the rest through the API.
                Http.Response org = api.post("/admin/organizations", Map.of("name", "First practice " + UUID.randomUUID()));
                assertThat(org.status()).isEqualTo(201);
            }
        }
    }

    static Run command(Map<String, String> settings, String... args) {
        List<String> all = new ArrayList<>(List.of(BootstrapAdmin.COMMAND));
        all.addAll(List.of(args));
        all.addAll(List.of(Apps.arguments(settings)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = NotesyncApplication.command(all.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String field(String output, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\S+)$").matcher(output);
        assertThat(m.find()).as("%s in:%n%s", name, output).isTrue();
        return m.group(1);
    }
}
