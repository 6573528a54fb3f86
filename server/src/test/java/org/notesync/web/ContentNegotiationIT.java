package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** What {@code Accept} a client sends, short of one no endpoint produces, is answered: never a 500. */
@ServerTest
class ContentNegotiationIT {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Test
    void aCharsetOnAJsonTypeIsAnsweredInUtf8() {
        Http api = tenants.create().api(port);
        for (String path : List.of("/me", "/notes/feed", "/notes", "/patients", "/webhooks", "/actuator/health")) {
            for (String accept : List.of("application/json; charset=ISO-8859-1", "application/json;charset=UTF-16",
                    "application/ld+json; charset=windows-1252", "application/json; charset=utf-8",
                    "application/json; charset=no-such-charset", "text/html;q=0.1, application/json;charset=\"x\"",
                    "text/plain;charset=foo, application/json", "*/*;charset=foo")) {
                if (path.startsWith("/actuator") && accept.contains("ld+json")) {
                    continue; // health is plain JSON only: a 406, below
                }
                Http.Response response = api.get(path, accept);
                assertThat(response.status()).as(path + " with " + accept + ": " + response).isEqualTo(200);
                assertThat(response.header("Content-Type")).as(path).doesNotContainIgnoringCase("ISO-8859-1")
                        .doesNotContainIgnoringCase("UTF-16").doesNotContainIgnoringCase("windows-1252");
                assertThat(response.json().isObject() || response.json().isArray()).as(path).isTrue();
            }
        }
    }

    /** Every @context an answer names can be fetched, as API Platform's can: JSON-LD processors expand it. */
    @Test
    void theContextEveryJsonLdAnswerNamesIsServed() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        Http anonymous = new Http(port, null);
        for (String path : List.of("/notes", "/patients", "/users", "/webhooks", "/audios")) {
            String context = api.get(path).json().get("@context").asString();
            Http.Response served = anonymous.get(context);
            assertThat(served.status()).as(context + ": " + served).isEqualTo(200);
            assertThat(served.header("Content-Type")).startsWith("application/ld+json");
            JsonNode terms = served.json().get("@context");
            assertThat(terms.get("member").asString()).isEqualTo("hydra:member");
            assertThat(terms.get("hydra").asString()).isEqualTo("http://www.w3.org/ns/hydra/core#");
            assertThat(terms.at("/next/@type").asString()).isEqualTo("@id");
            assertThat(terms.get("@vocab").asString()).endsWith("/docs.jsonld#");
        }
        for (String type : List.of("WebhookRecovery", "Client", "Organization", "WebhookDelivery")) {
            assertThat(anonymous.get("/contexts/" + type).status()).as("built per request, served from the start: "
                    + type).isEqualTo(200);
        }
        Http.Response unknown = anonymous.get("/contexts/Nothing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void aTypeNoEndpointProducesIsA406Problem() {
        Http api = tenants.create().api(port);
        for (String[] request : List.of(new String[] {"/me", "text/csv"},
                new String[] {"/actuator/health", "application/ld+json; charset=windows-1252"})) {
            Http.Response response = api.get(request[0], request[1]);
            assertThat(response.status()).as(response.toString()).isEqualTo(406);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        }
    }
}
