package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@ServerTest
class OperationsIT {

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    org.notesync.support.Tenants tenants;

    @Test
    void openApiDocumentDeclaresTheOAuthFlowsAndScopes() {
        Http.Response response = new Http(port, null).get("/v3/api-docs", "application/json");
        assertThat(response.status()).isEqualTo(200);
        JsonNode flows = response.json().at("/components/securitySchemes/oauth2/flows");
        assertThat(flows.at("/clientCredentials/tokenUrl").asString()).isEqualTo("/oauth2/token");
        assertThat(flows.at("/authorizationCode/authorizationUrl").asString()).isEqualTo("/oauth2/authorize");
        assertThat(flows.at("/clientCredentials/scopes").has("read:notes")).isTrue();
        assertThat(response.json().at("/paths").has("/me")).isTrue();
    }

    @Test
    void swaggerUiIsServed() {
        Http.Response response = new Http(port, null).get("/swagger-ui/index.html", "text/html");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("Swagger UI");
    }

    @Test
    void healthAndPrometheusAreExposed() {
        Http anonymous = new Http(port, null);
        Http.Response health = anonymous.get("/actuator/health", "application/json");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
        Http.Response metrics = anonymous.get("/actuator/prometheus", "text/plain");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("http_server_requests")
                .contains("notesync_notes_create_batch_count").contains("notesync_notes_create_batch_max");
    }

    /** The installation's metrics name every organization's traffic: an integration's token does not read them. */
    @Test
    void metricsAreTheAdminsNotAnIntegrations() {
        Http.Response integration = tenants.create().api(port, "profile", "read:notes")
                .get("/actuator/metrics/http.server.requests", "application/json");
        assertThat(integration.status()).as(integration.toString()).isEqualTo(403);
        assertThat(integration.json().get("detail").asString()).as("names the scope, as the API's 403s do")
                .contains("admin");
        assertThat(integration.header("WWW-Authenticate")).contains("scope=\"admin\"");
        Http.Response admin = tenants.createWithAdminScope().api(port, "admin")
                .get("/actuator/metrics/http.server.requests", "application/json");
        assertThat(admin.status()).as(admin.toString()).isEqualTo(200);
    }

    @Test
    void unknownPathWithAValidTokenIsA404Problem() {
        // Without a token the API answers 401 first; a stranger learns nothing about which paths exist.
        Http.Response response = new Http(port, null).get("/no-such-thing");
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }

    /** A health component there is not is a 404 problem document, as any unknown path (it had no body). */
    @Test
    void anUnknownHealthComponentIsA404Problem() {
        Http anonymous = new Http(port, null);
        for (String path : new String[] {"/actuator/health/db", "/actuator/health/liveness/x"}) {
            Http.Response response = anonymous.get(path, "application/json");
            assertThat(response.status()).as(path + ": " + response).isEqualTo(404);
            assertThat(response.header("Content-Type")).as(path).startsWith("application/problem+json");
            assertThat(response.json().get("status").asInt()).isEqualTo(404);
        }
        Http.Response liveness = anonymous.get("/actuator/health/liveness", "application/json");
        assertThat(liveness.status()).as("a component there is: " + liveness).isEqualTo(200);
    }
}
