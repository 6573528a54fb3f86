package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@ServerTest
abstract class TokenEndpointContract {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Test
    void clientCredentialsWithFormBodyGivesAOneHourJwtCarryingTheOrganization() {
        Tenants.Tenant tenant = tenants.create();
        Http anonymous = new Http(port, null);
        Http.Response response = anonymous.raw("POST", "/oauth2/token", "application/x-www-form-urlencoded",
                Http.form(Map.of("grant_type", "client_credentials", "client_id", tenant.client().clientId(),
                        "client_secret", tenant.client().clientSecret(), "scope", "read:notes profile")));
        assertThat(response.status()).isEqualTo(200);
        JsonNode token = response.json();
        assertThat(token.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(token.get("expires_in").asInt()).as("the lifetime, as the guide shows").isEqualTo(3600);
        assertThat(token.get("access_token").asString().split("\\.")).hasSize(3);

        Http.Response me = anonymous.withToken(token.get("access_token").asString()).get("/me");
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().at("/organizations/0/uuid").asString()).isEqualTo(tenant.organization().id().toString());
        assertThat(me.json().at("/organizations/0/city").asString()).isEqualTo("Lyon");
    }

    @Test
    void tokenEndpointAcceptsTheGuidesJsonBody() {
        Tenants.Tenant tenant = tenants.create();
        Http.Response response = new Http(port, null).post("/oauth2/token", Map.of(
                "grant_type", "client_credentials",
                "client_id", tenant.client().clientId(),
                "client_secret", tenant.client().clientSecret(),
                "scope", "read:notes"));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().get("access_token").asString()).isNotBlank();

        // The device flow, started the same way by a client written for the guide's JSON.
        Http.Response device = new Http(port, null).post("/oauth2/device_authorization", Map.of(
                "client_id", tenant.client().clientId(),
                "client_secret", tenant.client().clientSecret(),
                "scope", "profile"));
        assertThat(device.status()).as(device.toString()).isEqualTo(200);
        Http.Response pending = new Http(port, null).post("/oauth2/token", Map.of(
                "grant_type", OAuthClient.DEVICE_CODE,
                "device_code", device.json().get("device_code").asString(),
                "client_id", tenant.client().clientId(),
                "client_secret", tenant.client().clientSecret()));
        assertThat(pending.json().get("error").asString()).as(pending.toString()).isEqualTo("authorization_pending");
    }

    @Test
    void parametersInTheQueryStringAreRefusedRatherThanDroppingTheBodys() {
        Tenants.Tenant tenant = tenants.create();
        Http anonymous = new Http(port, null);
        String form = Http.form(Map.of("grant_type", "client_credentials", "client_id", tenant.client().clientId(),
                "client_secret", tenant.client().clientSecret(), "scope", "read:notes"));
        for (String path : new String[] {"/oauth2/token?scope=read:notes", "/oauth2/token?x=1",
                "/oauth2/device_authorization?scope=profile"}) {
            Http.Response refused = anonymous.raw("POST", path, "application/x-www-form-urlencoded", form);
            assertThat(refused.status()).as(path + ": " + refused).isEqualTo(400);
            assertThat(refused.header("Content-Type")).as("JSON is UTF-8: no charset").isEqualTo("application/json");
            assertThat(refused.json().get("error").asString()).isEqualTo("invalid_request");
            assertThat(refused.json().get("error_description").asString()).contains("not the query string");
        }
        Http.Response unauthenticated = anonymous.raw("POST", "/oauth2/token", "application/x-www-form-urlencoded",
                "grant_type=client_credentials");
        assertThat(unauthenticated.status()).isEqualTo(401);
        assertThat(unauthenticated.header("Content-Type")).isEqualTo("application/json");
        Http.Response granted = anonymous.raw("POST", "/oauth2/token", "application/x-www-form-urlencoded", form);
        assertThat(granted.json().get("scope").asString()).isEqualTo("read:notes");
    }

    /**
     * A NUL in a parameter (%00 in a form, \u0000 in JSON) reached PostgreSQL in Spring's token lookups, which
     * cannot store it: a 500. It is an invalid_request naming the parameter, on every endpoint of the family.
     */
    @Test
    void aNulInAParameterIsAnInvalidRequestNotA500() {
        Tenants.Tenant tenant = tenants.create();
        Http anonymous = new Http(port, null);
        String client = "client_id=" + tenant.client().clientId() + "&client_secret=" + tenant.client().clientSecret();
        Map<String, String> forms = new java.util.LinkedHashMap<>();
        forms.put("/oauth2/token", client + "&grant_type=refresh_token&refresh_token=abc%00def");
        forms.put("/oauth2/token ", client + "&grant_type=authorization_code&code=abc%00def&redirect_uri=x");
        forms.put("/oauth2/token  ", client + "&grant_type=" + URLEncoder.encode(OAuthClient.DEVICE_CODE,
                StandardCharsets.UTF_8) + "&device_code=abc%00def");
        forms.put("/oauth2/revoke", client + "&token=abc%00def");
        forms.put("/oauth2/introspect", client + "&token=abc%00def");
        forms.put("/oauth2/token   ", "grant_type=client_credentials&client_id=abc%00def&client_secret=x");
        forms.forEach((path, form) -> {
            Http.Response refused = anonymous.raw("POST", path.trim(), "application/x-www-form-urlencoded", form);
            assertThat(refused.status()).as(path + form + ": " + refused).isEqualTo(400);
            assertThat(refused.json().get("error").asString()).isEqualTo("invalid_request");
            assertThat(refused.json().get("error_description").asString()).contains("NUL");
        });
        Http.Response json = anonymous.raw("POST", "/oauth2/revoke", "application/json", "{\"client_id\":\""
                + tenant.client().clientId() + "\",\"client_secret\":\"" + tenant.client().clientSecret()
                + "\",\"token\":\"abc\\u0000def\"}");
        assertThat(json.status()).as(json.toString()).isEqualTo(400);
        assertThat(json.json().get("error_description").asString()).contains("token", "NUL");
        for (String query : List.of("client_id=a%00b", "client_id=" + tenant.client().clientId()
                + "&redirect_uri=" + URLEncoder.encode(OAuthClient.REDIRECT_URI, StandardCharsets.UTF_8) + "%00")) {
            Http.Response authorize = anonymous.get("/oauth2/authorize?response_type=code&scope=profile&state=s&"
                    + query, "text/html");
            assertThat(authorize.status()).as(query + ": " + authorize).isEqualTo(400);
            assertThat(authorize.json().get("detail").asString()).contains("NUL");
        }
        Http.Response login = anonymous.raw("POST", "/login", "application/x-www-form-urlencoded",
                "username=a%00b&password=x");
        assertThat(login.status()).as(login.toString()).isEqualTo(400);
        assertThat(login.json().get("detail").asString()).contains("username", "NUL");
    }

    @Test
    void aJsonBodyItCannotReadAsAFormSaysWhy() {
        Tenants.Tenant tenant = tenants.create();
        Http anonymous = new Http(port, null);
        String credentials = "\"grant_type\":\"client_credentials\",\"client_id\":\"" + tenant.client().clientId()
                + "\",\"client_secret\":\"" + tenant.client().clientSecret() + "\"";
        Map<String, String> bodies = Map.of(
                "{" + credentials + ",\"scope\":{\"read\":\"notes\"}}", "must be a string or a number",
                "{" + credentials + ",\"scope\":[[\"read:notes\"]]}", "must be a string or a number",
                "{" + credentials + ",\"scope\":\"" + "x".repeat(17 * 1024) + "\"}", "larger than 16 KB",
                "{" + credentials + ",\"client_id\":\"again\"}", "more than once",
                "[1]", "a JSON object or a form");
        bodies.forEach((body, why) -> {
            Http.Response refused = anonymous.raw("POST", "/oauth2/token", "application/json", body);
            assertThat(refused.status()).as(why + ": " + refused).isEqualTo(400);
            assertThat(refused.json().get("error").asString()).isEqualTo("invalid_request");
            assertThat(refused.json().get("error_description").asString()).contains(why);
        });
        String multipart = "--b\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\n" + tenant.client().clientId() + "\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\n" + tenant.client().clientSecret()
                + "\r\n--b--\r\n";
        Http.Response formData = anonymous.raw("POST", "/oauth2/token", "multipart/form-data; boundary=b", multipart);
        assertThat(formData.status()).as("a multipart form is a form: " + formData).isEqualTo(200);
        for (String type : new String[] {"text/plain", "application/xml"}) {
            Http.Response mislabelled = anonymous.raw("POST", "/oauth2/token", type, "{" + credentials + "}");
            assertThat(mislabelled.status()).as(type + ": " + mislabelled).isEqualTo(400);
            assertThat(mislabelled.json().get("error_description").asString())
                    .as("not 401 'client authentication is required'").contains("must be a form", "or JSON");
        }
        Http.Response listed = anonymous.raw("POST", "/oauth2/token", "application/json",
                "{" + credentials + ",\"scope\":[\"read:notes\",\"profile\"]}");
        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        assertThat(listed.json().get("scope").asString().split(" ")).containsExactlyInAnyOrder("read:notes", "profile");
    }

    @Test
    void introspectionAnswersAClientAboutItsOwnOrganizationsTokensOnly() {
        Tenants.Tenant mine = tenants.create();
        Tenants.Tenant theirs = tenants.create();
        for (Tenants.Tenant owner : List.of(mine, theirs)) {
            String token = owner.token(port, "read:notes");
            Http.Response answer = new OAuthClient(port, mine.client()).introspect(token);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            if (owner == mine) {
                assertThat(answer.json().get("active").asBoolean()).isTrue();
                assertThat(answer.json().get("org").asString()).isEqualTo(mine.organization().id().toString());
            } else {
                assertThat(answer.json().properties()).as("nothing but active: false").hasSize(1);
                assertThat(answer.json().get("active").asBoolean()).isFalse();
            }
        }
    }

    @Test
    void wrongSecretIsRefused() {
        Tenants.Tenant tenant = tenants.create();
        Http.Response response = new Http(port, null).post("/oauth2/token", Map.of(
                "grant_type", "client_credentials",
                "client_id", tenant.client().clientId(),
                "client_secret", "not-the-secret"));
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().get("error").asString()).isEqualTo("invalid_client");
    }

    /** RFC 6749, 5.2: a client that tried HTTP Basic is told so by the challenge of the 401. */
    @Test
    void aWrongSecretSentByHttpBasicIsAnsweredWithABasicChallenge() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/oauth2/token"))
                        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                                (tenant.client().clientId() + ":not-the-secret").getBytes(
                                        java.nio.charset.StandardCharsets.UTF_8)))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Basic"));
        assertThat(response.body()).contains("\"error\":\"invalid_client\"");
    }

    /**
     * RFC 6749, 2.3: one authentication per request. With HTTP Basic, a client_secret in the body too (even a
     * wrong one), or a client_id there naming another client, was ignored and the token issued to Basic's client.
     */
    @Test
    void aClientThatAuthenticatesTwiceIsAnInvalidRequest() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        Tenants.Tenant other = tenants.create();
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((tenant.client().clientId() + ":"
                + tenant.client().clientSecret()).getBytes(StandardCharsets.UTF_8));
        Map<String, String> bodies = Map.of(
                "grant_type=client_credentials&client_secret=wrong", "authenticated twice",
                "grant_type=client_credentials&client_id=" + other.client().clientId() + "&client_secret="
                        + other.client().clientSecret(), "authenticated twice",
                "grant_type=client_credentials&client_id=" + other.client().clientId(), "not the client");
        for (Map.Entry<String, String> body : bodies.entrySet()) {
            java.net.http.HttpResponse<String> response = basicPost(basic, body.getKey());
            assertThat(response.statusCode()).as(body.getKey() + ": " + response.body()).isEqualTo(400);
            assertThat(response.body()).contains("invalid_request", body.getValue());
        }
        assertThat(basicPost(basic, "grant_type=client_credentials&client_id=" + tenant.client().clientId())
                .statusCode()).as("its own id in the body too, as some libraries send it").isEqualTo(200);
        assertThat(basicPost(basic, "grant_type=client_credentials").statusCode()).isEqualTo(200);
    }

    private java.net.http.HttpResponse<String> basicPost(String authorization, String form) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/oauth2/token"))
                        .header("Authorization", authorization)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** RFC 9728: what a 401's WWW-Authenticate points to names where to get a token, and claims nothing false. */
    @Test
    void theProtectedResourceMetadataNamesThisAuthorizationServer() {
        Http anonymous = new Http(port, null);
        Http.Response challenge = anonymous.get("/me");
        assertThat(challenge.status()).isEqualTo(401);
        String header = challenge.header("WWW-Authenticate");
        String url = header.replaceAll(".*resource_metadata=\"([^\"]+)\".*", "$1");
        Http.Response metadata = anonymous.get(java.net.URI.create(url).getPath());
        assertThat(metadata.status()).as(metadata.toString()).isEqualTo(200);
        String issuer = anonymous.get("/.well-known/oauth-authorization-server").json().get("issuer").asString();
        assertThat(metadata.json().get("authorization_servers").valueStream().map(JsonNode::asString).toList())
                .containsExactly(issuer);
        assertThat(metadata.json().has("tls_client_certificate_bound_access_tokens"))
                .as("tokens are not bound to client certificates").isFalse();
        assertThat(metadata.json().get("scopes_supported").valueStream().map(JsonNode::asString).toList())
                .contains("read:notes", "write:webhooks");
        assertThat(metadata.json().get("bearer_methods_supported").get(0).asString()).isEqualTo("header");
        // The metadata of a resource under a path (RFC 9728, 3.1) names the same authorization server (it named
        // the path, where no authorization server is).
        Http.Response ofNotes = anonymous.get("/.well-known/oauth-protected-resource/notes");
        assertThat(ofNotes.status()).as(ofNotes.toString()).isEqualTo(200);
        assertThat(ofNotes.json().get("resource").asString()).endsWith("/notes");
        assertThat(ofNotes.json().get("authorization_servers").valueStream().map(JsonNode::asString).toList())
                .containsExactly(issuer);
    }

    @Test
    void anotherMethodOnAnAuthorizationServerEndpointIsA405ThatSaysWhichAreAllowed() {
        Tenants.Tenant tenant = tenants.create();
        Http anonymous = new Http(port, null);
        String basic = java.util.Base64.getEncoder().encodeToString((tenant.client().clientId() + ":"
                + tenant.client().clientSecret()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Http.Response get = anonymous.send(anonymous.builder("/oauth2/token").header("Authorization", "Basic " + basic)
                .GET());
        assertThat(get.status()).as("was a 401 asking for a bearer token: " + get).isEqualTo(405);
        assertThat(get.header("Allow")).isEqualTo("POST, OPTIONS");
        assertThat(get.header("Content-Type")).startsWith("application/problem+json");
        assertThat(get.json().get("detail").asString()).contains("the Allow header lists");
        assertThat(get.header("X-Content-Type-Options")).as("Spring Security's headers too").isEqualTo("nosniff");
        assertThat(get.header("Cache-Control")).contains("no-store");
        assertThat(get.header("X-Frame-Options")).isEqualTo("DENY");
        Http.Response encoded = anonymous.send(anonymous.builder("/oauth2/%74oken")
                .header("Authorization", "Basic " + basic).GET());
        assertThat(encoded.status()).as("the path as decoded: " + encoded).isEqualTo(405);
        assertThat(encoded.header("Allow")).isEqualTo("POST, OPTIONS");
        Http.Response dotted = anonymous.raw("GET", "/oauth2/./token", null, null);
        assertThat(dotted.status()).as("the firewall's, as everywhere: " + dotted).isEqualTo(400);
        for (String path : List.of("/oauth2/introspect", "/oauth2/revoke", "/oauth2/device_authorization")) {
            Http.Response put = anonymous.raw("PUT", path, null, null);
            assertThat(put.status()).as(path + ": " + put).isEqualTo(405);
            assertThat(put.header("Allow")).as(path).isEqualTo("POST, OPTIONS");
        }
        Http.Response postDiscovery = anonymous.raw("POST", "/.well-known/oauth-authorization-server", null, null);
        assertThat(postDiscovery.status()).as(postDiscovery.toString()).isEqualTo(405);
        assertThat(postDiscovery.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
        Http.Response options = anonymous.raw("OPTIONS", "/oauth2/token", null, null);
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        assertThat(options.header("Allow")).isEqualTo("POST, OPTIONS");
        assertThat(options.header("X-Content-Type-Options")).isEqualTo("nosniff");

        Http.Response head = anonymous.raw("HEAD", "/oauth2/jwks", null, null);
        Http.Response jwks = anonymous.get("/oauth2/jwks");
        assertThat(head.status()).as("HEAD as GET, as everywhere else: " + head).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(jwks.body().length()));

        Http.Response token = anonymous.raw("POST", "/oauth2/token", "application/x-www-form-urlencoded",
                Http.form(Map.of("grant_type", "client_credentials", "client_id", tenant.client().clientId(),
                        "client_secret", tenant.client().clientSecret())));
        assertThat(token.status()).as("POST still reaches the endpoint: " + token).isEqualTo(200);
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    @Test
    void discoveryAndJwksArePublished() {
        Http anonymous = new Http(port, null);
        Http.Response metadata = anonymous.get("/.well-known/oauth-authorization-server");
        assertThat(metadata.status()).isEqualTo(200);
        assertThat(metadata.json().get("token_endpoint").asString()).endsWith("/oauth2/token");
        assertThat(metadata.json().get("device_authorization_endpoint").asString())
                .endsWith("/oauth2/device_authorization");
        // What a client of this server can use, not all Spring could (token exchange, JWT and TLS client
        // authentication were listed, and no client can be registered for them).
        assertThat(strings(metadata.json().get("grant_types_supported"))).containsExactlyInAnyOrder(
                "authorization_code", "client_credentials", "refresh_token",
                "urn:ietf:params:oauth:grant-type:device_code");
        assertThat(strings(metadata.json().get("token_endpoint_auth_methods_supported")))
                .containsExactlyInAnyOrder("client_secret_basic", "client_secret_post", "none");
        for (String endpoint : List.of("revocation", "introspection")) {
            assertThat(strings(metadata.json().get(endpoint + "_endpoint_auth_methods_supported"))).as(endpoint)
                    .containsExactlyInAnyOrder("client_secret_basic", "client_secret_post");
        }
        assertThat(metadata.json().has("tls_client_certificate_bound_access_tokens")).isFalse();
        assertThat(strings(metadata.json().get("scopes_supported"))).contains("read:notes", "admin");
        // A discovery document this server does not publish is not there, rather than behind a token.
        Http.Response openid = anonymous.get("/.well-known/openid-configuration");
        assertThat(openid.status()).as(openid.toString()).isEqualTo(404);
        assertThat(openid.header("Content-Type")).startsWith("application/problem+json");
        Http.Response jwks = anonymous.get(metadata.json().get("jwks_uri").asString()
                .replaceFirst("^https?://[^/]+", ""));
        assertThat(jwks.status()).isEqualTo(200);
        assertThat(jwks.header("Content-Type")).as("JSON is UTF-8 (RFC 8259)").doesNotContainIgnoringCase("ISO-8859-1");
        assertThat(metadata.header("Content-Type")).doesNotContainIgnoringCase("ISO-8859-1");
        assertThat(jwks.json().get("keys").get(0).get("kty").asString()).isEqualTo("RSA");
        assertThat(jwks.json().get("keys").get(0).has("d")).as("private part never published").isFalse();
    }

    /**
     * The DPoP scheme (RFC 9449, which the metadata advertises) is refused with a problem document as Bearer is,
     * keeping its WWW-Authenticate: DPoP header (the body was empty).
     */
    @Test
    void aDpopRequestWithoutAValidProofIsA401Problem() {
        Tenants.Tenant tenant = tenants.create();
        String token = tenant.token(port);
        Http anonymous = new Http(port, null);
        for (String proof : new String[] {null, "not-a-proof"}) {
            java.net.http.HttpRequest.Builder request = anonymous.builder("/me").header("Authorization", "DPoP " + token);
            if (proof != null) {
                request.header("DPoP", proof);
            }
            Http.Response refused = anonymous.send(request.GET());
            assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
            assertThat(refused.header("WWW-Authenticate")).startsWith("DPoP");
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.json().get("detail").asString()).contains("DPoP proof").doesNotContain(token);
        }
    }

    @Test
    void missingTokenIs401ProblemAndMissingScopeIs403Problem() {
        Http.Response anonymous = new Http(port, null).get("/me");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("Content-Type")).startsWith("application/problem+json");
        assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(anonymous.json().get("status").asInt()).isEqualTo(401);
        assertThat(anonymous.json().get("instance").asString()).isEqualTo("/me");

        Tenants.Tenant tenant = tenants.create();
        Http.Response noScope = tenant.api(port, "read:notes").get("/me");
        assertThat(noScope.status()).isEqualTo(403);
        assertThat(noScope.header("Content-Type")).startsWith("application/problem+json");
        assertThat(noScope.json().get("title").asString()).isEqualTo("Forbidden");

        Http.Response garbage = new Http(port, "not-a-jwt").get("/me");
        assertThat(garbage.status()).isEqualTo(401);
        assertThat(garbage.json().get("detail").asString()).isEqualTo("The access token is invalid or has expired.");
        assertThat(anonymous.json().get("detail").asString())
                .isEqualTo("An access token is required: send Authorization: Bearer <token>.");

        // A client's id and secret sent to the API itself, as HTTP Basic: no token was sent, so none is "invalid".
        Http anonymousCaller = new Http(port, null);
        Http.Response basic = anonymousCaller.send(anonymousCaller.builder("/me").header("Authorization", "Basic "
                + java.util.Base64.getEncoder().encodeToString("demo-integration:demo-secret".getBytes())));
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.json().get("detail").asString()).isEqualTo("This endpoint takes an OAuth 2 access token "
                + "(Authorization: Bearer <token>), not another scheme: a client's id and secret go to POST "
                + "/oauth2/token for one.");
        Http.Response empty = anonymousCaller.send(anonymousCaller.builder("/me").header("Authorization", "Bearer"));
        assertThat(empty.status()).isEqualTo(401);
        assertThat(empty.json().get("detail").asString()).as("Bearer it was, without a token")
                .isEqualTo("The Authorization header names the Bearer scheme but carries no token: send "
                        + "Authorization: Bearer <token>.");
    }
}
