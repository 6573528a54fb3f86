package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import tools.jackson.databind.JsonNode;

/** The operator's API over real HTTP, with a real client-credentials token carrying the admin scope. */
@ServerTest
abstract class AdminApiContract {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PasswordEncoder passwords;

    Http admin;
    Tenants.Tenant operator;

    @BeforeEach
    void operator() {
        operator = tenants.createWithAdminScope();
        admin = operator.api(port, "admin");
    }

    // ---- organizations

    @Test
    void anOrganizationIsCreatedListedAndRead() {
        Http.Response created = admin.post("/admin/organizations", Map.of("name", "Cabinet Dupont",
                "streetAddress", "3 rue de la Paix", "city", "Paris", "postalCode", "75002", "country", "fr"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode org = created.json();
        String uuid = org.get("uuid").asString();
        assertThat(org.get("@id").asString()).isEqualTo("/admin/organizations/" + uuid);
        assertThat(created.header("Location")).as("a 201's Location, its @id").isEqualTo("/admin/organizations/" + uuid);
        assertThat(org.get("@type").asString()).isEqualTo("Organization");
        assertThat(org.get("name").asString()).isEqualTo("Cabinet Dupont");
        assertThat(org.get("country").asString()).isEqualTo("FR");

        Http.Response read = admin.get("/admin/organizations/" + uuid, "application/json");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("uuid").asString()).isEqualTo(uuid);
        assertThat(read.json().get("streetAddress").asString()).isEqualTo("3 rue de la Paix");
        assertThat(read.json().get("city").asString()).isEqualTo("Paris");
        assertThat(read.json().get("postalCode").asString()).isEqualTo("75002");

        Http.Response collection = admin.get("/admin/organizations?itemsPerPage=100&page=1");
        assertThat(collection.status()).isEqualTo(200);
        JsonNode hydra = collection.json();
        assertThat(hydra.get("totalItems").asLong()).isPositive();
        long total = hydra.get("totalItems").asLong();
        List<String> all = new ArrayList<>();
        for (long page = 1; page <= (total + 99) / 100; page++) {
            admin.get("/admin/organizations?itemsPerPage=100&page=" + page).json().get("member")
                    .forEach(m -> all.add(m.get("uuid").asString()));
        }
        assertThat(all).contains(uuid).doesNotHaveDuplicates().hasSize((int) total);

        Http.Response onePerPage = admin.get("/admin/organizations?itemsPerPage=1", "application/json");
        assertThat(onePerPage.json().isArray()).isTrue();
        assertThat(onePerPage.json()).hasSize(1);
    }

    @Test
    void anInvalidOrganizationIs422WithEveryViolation() {
        Http.Response response = admin.post("/admin/organizations", Map.of("city", "Paris", "country", "F1"));
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(paths(response)).containsExactlyInAnyOrder("name", "country");

        for (String unassigned : List.of("ZZ", "qq", "UK")) {
            Http.Response refused = admin.post("/admin/organizations", Map.of("name", "X", "country", unassigned));
            assertThat(refused.status()).as(unassigned).isEqualTo(422);
            assertThat(paths(refused)).containsExactly("country");
        }

        Http.Response tooLong = admin.post("/admin/organizations", Map.of("name", "x".repeat(201)));
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(paths(tooLong)).containsExactly("name");

        Http.Response notJson = admin.raw("POST", "/admin/organizations", "application/json", "{not json");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void anUnknownOrganizationIs404AndAMalformedOneIs400() {
        String unknown = "/admin/organizations/" + UUID.randomUUID();
        for (Http.Response response : List.of(admin.get(unknown), admin.get(unknown + "/users"),
                admin.get(unknown + "/clients"), admin.delete(unknown + "/clients/nsc_x"),
                admin.post(unknown + "/clients/nsc_x/rotate-secret", Map.of()),
                admin.post(unknown + "/users", validUser("someone-" + UUID.randomUUID() + "@example.test")),
                admin.post(unknown + "/clients", Map.of("name", "x", "grantTypes", List.of("client_credentials"),
                        "scopes", List.of("read:notes"))))) {
            assertThat(response.status()).as(response.toString()).isEqualTo(404);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            assertThat(response.json().get("detail").asString()).isEqualTo("Organization not found.");
        }
        Http.Response malformed = admin.get("/admin/organizations/not-a-uuid");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.header("Content-Type")).startsWith("application/problem+json");
    }

    // ---- clinicians

    @Test
    void aClinicianIsCreatedWithAHashedPasswordThatIsNeverReturned() {
        String org = createOrganization();
        String email = "Dr.Who-" + UUID.randomUUID() + "@Example.test";
        Http.Response created = admin.post("/admin/organizations/" + org + "/users", validUser(email));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode user = created.json();
        assertThat(user.get("email").asString()).isEqualTo(email.toLowerCase());
        assertThat(user.get("firstName").asString()).isEqualTo("Jane");
        assertThat(user.get("lastName").asString()).isEqualTo("Doe");
        assertThat(user.get("organization").asString()).isEqualTo(org);
        assertThat(user.get("@id").asString()).isEqualTo("/admin/organizations/" + org + "/users/"
                + user.get("uuid").asString());
        assertThat(created.body()).doesNotContain("correct horse battery").doesNotContainIgnoringCase("password");

        String hash = jdbc.sql("SELECT password_hash FROM users WHERE id = ?")
                .param(UUID.fromString(user.get("uuid").asString())).query(String.class).single();
        assertThat(hash).startsWith("{bcrypt}").doesNotContain("correct horse battery");
        assertThat(passwords.matches("correct horse battery", hash)).isTrue();

        Http.Response listed = admin.get("/admin/organizations/" + org + "/users");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().get("totalItems").asInt()).isEqualTo(1);
        assertThat(listed.json().get("member").get(0).get("uuid").asString()).isEqualTo(user.get("uuid").asString());
        assertThat(listed.body()).doesNotContainIgnoringCase("password").doesNotContain("bcrypt");
    }

    @Test
    void aDuplicateEmailIs409EvenInAnotherOrganizationOrAnotherCase() {
        String email = "dup-" + UUID.randomUUID() + "@example.test";
        assertThat(admin.post("/admin/organizations/" + createOrganization() + "/users", validUser(email)).status())
                .isEqualTo(201);
        Http.Response again = admin.post("/admin/organizations/" + createOrganization() + "/users",
                validUser(email.toUpperCase()));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.header("Content-Type")).startsWith("application/problem+json");
        assertThat(again.json().get("detail").asString()).contains("already exists");
    }

    @Test
    void anInvalidClinicianIs422() {
        String org = createOrganization();
        Http.Response shortPassword = admin.post("/admin/organizations/" + org + "/users", Map.of(
                "email", "short-" + UUID.randomUUID() + "@example.test", "password", "elevenchars",
                "firstName", "A", "lastName", "B"));
        assertThat(shortPassword.status()).isEqualTo(422);
        assertThat(paths(shortPassword)).containsExactly("password");
        assertThat(shortPassword.body()).doesNotContain("elevenchars");

        Http.Response empty = admin.post("/admin/organizations/" + org + "/users", Map.of("email", "not-an-email"));
        assertThat(empty.status()).isEqualTo(422);
        assertThat(paths(empty)).containsExactlyInAnyOrder("email", "password", "firstName", "lastName");

        Http.Response tooLong = admin.post("/admin/organizations/" + org + "/users", Map.of(
                "email", "long-" + UUID.randomUUID() + "@example.test", "password", "é".repeat(40),
                "firstName", "A", "lastName", "B"));
        assertThat(tooLong.status()).as("bcrypt reads 72 bytes at most").isEqualTo(422);
        assertThat(paths(tooLong)).containsExactly("password");
    }

    @Test
    void aCreatedClinicianLogsInThroughTheAuthorizationCodeFlowOfACreatedClient() {
        String org = createOrganization();
        String email = "login-" + UUID.randomUUID() + "@example.test";
        JsonNode user = admin.post("/admin/organizations/" + org + "/users", validUser(email)).json();
        JsonNode client = admin.post("/admin/organizations/" + org + "/clients", Map.of("name", "Practice system",
                "grantTypes", List.of("authorization_code", "refresh_token"), "scopes", List.of("profile", "read:notes"),
                "redirectUris", List.of(OAuthClient.REDIRECT_URI))).json();

        OAuthClient practice = new OAuthClient(port, created(client, org));
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        String code = practice.authorizationCode(email, "correct horse battery", "profile", pkce);
        Http.Response tokens = practice.exchange(code, pkce);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);

        JsonNode me = new Http(port, tokens.json().get("access_token").asString()).get("/me").json();
        assertThat(me.get("uuid").asString()).isEqualTo(user.get("uuid").asString());
        assertThat(me.get("email").asString()).isEqualTo(email);
        assertThat(me.get("organizations").get(0).get("uuid").asString()).isEqualTo(org);
    }

    // ---- clients

    @Test
    void aClientSecretIsShownOnceStoredAsAHashAndGetsTokens() {
        String org = createOrganization();
        Http.Response created = admin.post("/admin/organizations/" + org + "/clients", Map.of("name", "Integration",
                "grantTypes", List.of("client_credentials"), "scopes", List.of("read:notes", "profile")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode client = created.json();
        String clientId = client.get("clientId").asString();
        String secret = client.get("clientSecret").asString();
        assertThat(secret).isNotBlank();
        assertThat(client.get("public").asBoolean()).isFalse();
        assertThat(client.get("organization").asString()).isEqualTo(org);
        assertThat(client.get("@id").asString()).isEqualTo("/admin/organizations/" + org + "/clients/" + clientId);

        String stored = jdbc.sql("SELECT client_secret FROM oauth2_registered_client WHERE client_id = ?")
                .param(clientId).query(String.class).single();
        assertThat(stored).startsWith("{bcrypt}").isNotEqualTo(secret).doesNotContain(secret);
        assertThat(passwords.matches(secret, stored)).isTrue();

        Http.Response token = new OAuthClient(port, created(client, org))
                .token(Map.of("grant_type", "client_credentials", "scope", "read:notes profile"));
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        JsonNode claims = OAuthClient.claims(token.json().get("access_token").asString());
        assertThat(claims.get("org").asString()).isEqualTo(org);
        assertThat(new Http(port, token.json().get("access_token").asString()).get("/me").json()
                .get("clientId").asString()).isEqualTo(clientId);

        Http.Response listed = admin.get("/admin/organizations/" + org + "/clients", "application/json");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json()).hasSize(1);
        JsonNode item = listed.json().get(0);
        assertThat(item.get("clientId").asString()).isEqualTo(clientId);
        assertThat(item.get("name").asString()).isEqualTo("Integration");
        assertThat(item.get("scopes")).hasSize(2);
        assertThat(item.has("clientSecret")).isFalse();
        assertThat(listed.body()).doesNotContain(secret).doesNotContain("bcrypt");
        // Written like every date of the API, with its offset: +00:00, not Z.
        assertThat(client.get("createdAt").asString()).matches(".*\\+00:00")
                .isEqualTo(item.get("createdAt").asString());
    }

    @Test
    void aPublicClientHasNoSecret() {
        String org = createOrganization();
        Http.Response created = admin.post("/admin/organizations/" + org + "/clients", Map.of("name", "Desktop",
                "grantTypes", List.of(OAuthClient.DEVICE_CODE, "refresh_token"), "scopes", List.of("read:notes"),
                "public", true));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("clientSecret").isNull()).isTrue();
        assertThat(created.json().get("public").asBoolean()).isTrue();
        Http.Response device = new OAuthClient(port, created(created.json(), org)).deviceAuthorization("read:notes");
        assertThat(device.status()).as(device.toString()).isEqualTo(200);
    }

    @Test
    void anInvalidClientIs422NamingWhatIsAllowed() {
        String path = "/admin/organizations/" + createOrganization() + "/clients";

        Http.Response unknownGrant = admin.post(path, Map.of("name", "x", "grantTypes", List.of("client_credentials",
                "client_credentials", "password"), "scopes", List.of("read:notes")));
        assertThat(unknownGrant.status()).isEqualTo(422);
        assertThat(paths(unknownGrant)).as("the index in the list as sent").containsExactly("grantTypes[2]");
        assertThat(message(unknownGrant)).contains("client_credentials", "authorization_code", "refresh_token",
                OAuthClient.DEVICE_CODE);

        Http.Response unknownScope = admin.post(path, Map.of("name", "x", "grantTypes", List.of("client_credentials"),
                "scopes", List.of("read:everything", "profile", "write:everything")));
        assertThat(unknownScope.status()).isEqualTo(422);
        assertThat(paths(unknownScope)).containsExactly("scopes[0]", "scopes[2]");
        assertThat(message(unknownScope)).contains(String.join(", ", Scopes.ALL));

        Http.Response noRedirect = admin.post(path, Map.of("name", "x", "grantTypes", List.of("authorization_code"),
                "scopes", List.of("profile")));
        assertThat(noRedirect.status()).isEqualTo(422);
        assertThat(paths(noRedirect)).containsExactly("redirectUris");

        Http.Response badRedirect = admin.post(path, Map.of("name", "x", "grantTypes", List.of("authorization_code"),
                "scopes", List.of("profile"), "redirectUris", List.of("https://ok.example/cb", "https://ok.example/cb",
                        "/relative", "ftp://x.example/cb", "https://x.example/cb#frag", "https://u:p@x.example/cb",
                        "http://127.0.0.1:99999/cb", "http://127.0.0.1:0/cb", "https://example.com/cb?x=é",
                        "https://example.com/cb?x=%C3%A9")));
        assertThat(badRedirect.status()).isEqualTo(422);
        assertThat(paths(badRedirect)).as("a raw é is no URI character; Spring's redirect to it was a 500")
                .containsExactly("redirectUris[2]", "redirectUris[3]", "redirectUris[4]", "redirectUris[5]",
                        "redirectUris[6]", "redirectUris[7]", "redirectUris[8]");

        // Found by fuzzing the API: a list refused for its type, its size or an item's type also got "should not
        // be blank", as if nothing had been sent.
        for (Object refusedList : List.of(7, Collections.nCopies(101, "client_credentials"), Arrays.asList((Object) null))) {
            Http.Response refused = admin.post(path, Map.of("name", "x", "grantTypes", refusedList,
                    "scopes", refusedList));
            assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
            assertThat(message(refused)).as(refused.toString()).doesNotContain("blank");
            assertThat(paths(refused)).hasSize(2);
        }
        Http.Response emptyLists = admin.post(path, Map.of("name", "x", "grantTypes", List.of(), "scopes", List.of()));
        assertThat(paths(emptyLists)).containsExactly("grantTypes", "scopes");
        assertThat(message(emptyLists)).contains("should not be blank");

        Http.Response publicWithSecretGrant = admin.post(path, Map.of("name", "x", "public", true,
                "grantTypes", List.of("client_credentials"), "scopes", List.of("profile")));
        assertThat(publicWithSecretGrant.status()).isEqualTo(422);
        assertThat(paths(publicWithSecretGrant)).containsExactly("grantTypes");

        Http.Response adminForClinicians = admin.post(path, Map.of("name", "x",
                "grantTypes", List.of("authorization_code"), "scopes", List.of("admin"),
                "redirectUris", List.of("https://ok.example/cb")));
        assertThat(adminForClinicians.status()).isEqualTo(422);
        assertThat(paths(adminForClinicians)).containsExactly("scopes");

        Http.Response empty = admin.post(path, Map.of());
        assertThat(empty.status()).isEqualTo(422);
        assertThat(paths(empty)).containsExactlyInAnyOrder("name", "grantTypes", "scopes");

        assertThat(admin.get(path).json().get("totalItems").asInt()).as("nothing was created").isZero();
    }

    @Test
    void aRevokedClientGetsNoTokenAndItsTokensStopWorking() {
        String org = createOrganization();
        JsonNode client = admin.post("/admin/organizations/" + org + "/clients", Map.of("name", "Doomed",
                "grantTypes", List.of("client_credentials"), "scopes", List.of("profile"))).json();
        String clientId = client.get("clientId").asString();
        OAuthClient doomed = new OAuthClient(port, created(client, org));
        String token = doomed.token(Map.of("grant_type", "client_credentials", "scope", "profile"))
                .json().get("access_token").asString();
        assertThat(new Http(port, token).get("/me").status()).isEqualTo(200);

        Http.Response wrongOrganization = admin.delete("/admin/organizations/" + createOrganization() + "/clients/"
                + clientId);
        assertThat(wrongOrganization.status()).as("another organization's client is not found").isEqualTo(404);
        assertThat(new Http(port, token).get("/me").status()).isEqualTo(200);

        Http.Response revoked = admin.delete("/admin/organizations/" + org + "/clients/" + clientId);
        assertThat(revoked.status()).isEqualTo(204);

        Http.Response again = doomed.token(Map.of("grant_type", "client_credentials", "scope", "profile"));
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.json().get("error").asString()).isEqualTo("invalid_client");
        Http.Response me = new Http(port, token).get("/me");
        assertThat(me.status()).isEqualTo(401);
        assertThat(me.header("Content-Type")).startsWith("application/problem+json");
        assertThat(me.json().get("detail").asString()).isEqualTo("The client of this access token has been revoked.");
        assertThat(admin.get("/admin/organizations/" + org + "/clients").json().get("totalItems").asInt()).isZero();
        assertThat(admin.delete("/admin/organizations/" + org + "/clients/" + clientId).status()).isEqualTo(404);
    }

    @Test
    void aRotatedSecretIsShownOnceTheOldOneIsRefusedAtOnceAndTheClientsTokensAreRevoked() {
        String org = createOrganization();
        String email = "rotate-" + UUID.randomUUID() + "@example.test";
        admin.post("/admin/organizations/" + org + "/users", validUser(email));
        JsonNode client = admin.post("/admin/organizations/" + org + "/clients", Map.of("name", "Leaky",
                "grantTypes", List.of("client_credentials", "authorization_code", "refresh_token"),
                "scopes", List.of("profile", "read:notes"), "redirectUris", List.of(OAuthClient.REDIRECT_URI))).json();
        String clientId = client.get("clientId").asString();
        String oldSecret = client.get("clientSecret").asString();
        OAuthClient leaky = new OAuthClient(port, created(client, org));
        Map<String, String> credentials = Map.of("grant_type", "client_credentials", "scope", "profile");
        String older = leaky.token(credentials).json().get("access_token").asString();
        String integration = leaky.token(credentials).json().get("access_token").asString();
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        JsonNode granted = leaky.exchange(leaky.authorizationCode(email, "correct horse battery", "profile", pkce), pkce)
                .json();
        JsonNode refreshed = leaky.refresh(granted.get("refresh_token").asString()).json();
        List<String> issued = List.of(older, integration, granted.get("access_token").asString(),
                refreshed.get("access_token").asString());
        for (String token : issued) {
            assertThat(new Http(port, token).get("/me").status()).isEqualTo(200);
        }

        Http.Response otherOrganization = admin.post("/admin/organizations/" + createOrganization() + "/clients/"
                + clientId + "/rotate-secret", Map.of());
        assertThat(otherOrganization.status()).as("another organization's client is not found").isEqualTo(404);
        assertThat(otherOrganization.json().get("detail").asString()).isEqualTo("Client not found.");
        Http.Response unknown = admin.post("/admin/organizations/" + org + "/clients/nsc_unknown/rotate-secret",
                Map.of());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
        assertThat(leaky.token(credentials).status()).as("nothing changed").isEqualTo(200);

        Http.Response rotated = admin.post("/admin/organizations/" + org + "/clients/" + clientId + "/rotate-secret",
                Map.of());
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        assertThat(rotated.header("Cache-Control")).contains("no-store");
        JsonNode answer = rotated.json();
        String newSecret = answer.get("clientSecret").asString();
        assertThat(newSecret).startsWith("nss_").isNotEqualTo(oldSecret);
        assertThat(answer.get("clientId").asString()).isEqualTo(clientId);
        assertThat(answer.get("@id").asString()).isEqualTo("/admin/organizations/" + org + "/clients/" + clientId);
        assertThat(answer.get("name").asString()).isEqualTo("Leaky");
        assertThat(answer.get("public").asBoolean()).isFalse();
        assertThat(answer.get("createdAt").asString()).isEqualTo(client.get("createdAt").asString());
        String stored = jdbc.sql("SELECT client_secret FROM oauth2_registered_client WHERE client_id = ?")
                .param(clientId).query(String.class).single();
        assertThat(stored).startsWith("{bcrypt}").doesNotContain(newSecret);
        assertThat(passwords.matches(newSecret, stored)).isTrue();
        assertThat(passwords.matches(oldSecret, stored)).isFalse();

        Http.Response withOld = leaky.token(credentials);
        assertThat(withOld.status()).as("the old secret, at once").isEqualTo(401);
        assertThat(withOld.json().get("error").asString()).isEqualTo("invalid_client");
        for (String token : issued) {
            Http.Response me = new Http(port, token).get("/me");
            assertThat(me.status()).as("a token the old secret got").isEqualTo(401);
            assertThat(me.json().get("detail").asString()).isEqualTo("This access token has been revoked.");
        }
        OAuthClient renewed = new OAuthClient(port, new Clients.Created(null, clientId, newSecret, "Leaky", List.of(),
                List.of(), List.of(), UUID.fromString(org)));
        Http.Response refresh = renewed.refresh(refreshed.get("refresh_token").asString());
        assertThat(refresh.status()).as("the refresh tokens are dead: " + refresh).isEqualTo(400);
        assertThat(refresh.json().get("error").asString()).isEqualTo("invalid_grant");
        Http.Response fresh = renewed.token(credentials);
        assertThat(fresh.status()).as(fresh.toString()).isEqualTo(200);
        assertThat(new Http(port, fresh.json().get("access_token").asString()).get("/me").status()).isEqualTo(200);
        OAuthClient.Pkce again = OAuthClient.Pkce.create();
        String code;
        try (Browser browser = new Browser(port)) {
            // The clinician signs in again; the consent given before the rotation stands, so no consent page.
            org.htmlunit.Page page = browser.logIn(browser.open(renewed.authorizeUrl("profile", "s", again)), email,
                    "correct horse battery");
            assertThat(page.getWebResponse().getStatusCode()).isEqualTo(302);
            code = OAuthClient.query(Browser.location(page)).get("code");
        }
        Http.Response regranted = renewed.exchange(code, again);
        assertThat(regranted.status()).as(regranted.toString()).isEqualTo(200);
        assertThat(new Http(port, regranted.json().get("access_token").asString()).get("/me").status()).isEqualTo(200);

        Http.Response listed = admin.get("/admin/organizations/" + org + "/clients", "application/json");
        assertThat(listed.json()).hasSize(1);
        assertThat(listed.body()).doesNotContain(newSecret).doesNotContain("clientSecret");
    }

    @Test
    void aPublicClientHasNoSecretToRotate() {
        String org = createOrganization();
        JsonNode client = admin.post("/admin/organizations/" + org + "/clients", Map.of("name", "Desktop",
                "grantTypes", List.of(OAuthClient.DEVICE_CODE, "refresh_token"), "scopes", List.of("read:notes"),
                "public", true)).json();
        Http.Response refused = admin.post("/admin/organizations/" + org + "/clients/"
                + client.get("clientId").asString() + "/rotate-secret", Map.of());
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asString()).contains("public", "no secret");
        assertThat(new OAuthClient(port, created(client, org)).deviceAuthorization("read:notes").status())
                .isEqualTo(200);
    }

    @Test
    void theLastAdminClientIsNotDeletedWithItsOwnToken() {
        String org = operator.organization().id().toString();
        String mine = operator.client().clientId();
        // Every other admin client (other tests', dev mode's) loses the scope for this test, and gets it back after.
        Map<String, String> others = new java.util.LinkedHashMap<>();
        jdbc.sql("SELECT id, scopes FROM oauth2_registered_client WHERE scopes LIKE '%admin%' AND client_id <> ?")
                .param(mine).query((rs, row) -> others.put(rs.getString("id"), rs.getString("scopes"))).list();
        try {
            others.forEach((id, scopes) -> jdbc.sql("UPDATE oauth2_registered_client SET scopes = ? WHERE id = ?")
                    .params(String.join(",", Arrays.stream(scopes.split(",")).filter(s -> !s.equals(Scopes.ADMIN))
                            .toList()), id).update());

            Http.Response refused = admin.delete("/admin/organizations/" + org + "/clients/" + mine);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.json().get("detail").asString())
                    .contains("this request's token", "only client with the admin scope", "Create another admin client");
            assertThat(admin.get("/admin/organizations/" + org + "/clients").status()).as("still an admin").isEqualTo(200);
            Http.Response rotated = admin.post("/admin/organizations/" + org + "/clients/" + mine + "/rotate-secret",
                    Map.of());
            assertThat(rotated.status()).as("its secret may be rotated: " + rotated).isEqualTo(200);
            Http rotatedAdmin = new Tenants.Tenant(operator.organization(), operator.clinician(), new Clients.Created(
                    null, mine, rotated.json().get("clientSecret").asString(), "Admin", List.of(), List.of(), List.of(),
                    operator.organization().id()), operator.password(), tenants).api(port, "admin");

            JsonNode second = rotatedAdmin.post("/admin/organizations/" + org + "/clients", Map.of("name", "Ops 2",
                    "grantTypes", List.of("client_credentials"), "scopes", List.of("admin"))).json();
            Http.Response deleted = rotatedAdmin.delete("/admin/organizations/" + org + "/clients/" + mine);
            assertThat(deleted.status()).as("with another admin client: " + deleted).isEqualTo(204);
            Http.Response last = new OAuthClient(port, created(second, org)).token(Map.of("grant_type",
                    "client_credentials", "scope", "admin"));
            Http secondAdmin = new Http(port, last.json().get("access_token").asString());
            Http.Response refusedAgain = secondAdmin.delete("/admin/organizations/" + org + "/clients/"
                    + second.get("clientId").asString());
            assertThat(refusedAgain.status()).isEqualTo(409);
        } finally {
            others.forEach((id, scopes) -> jdbc.sql("UPDATE oauth2_registered_client SET scopes = ? WHERE id = ?")
                    .params(scopes, id).update());
        }
    }

    // ---- scopes

    @Test
    void everyAdminEndpointNeedsTheAdminScope() {
        String org = createOrganization();
        Http integration = tenants.create().api(port); // every integration scope, not admin
        Http anonymous = new Http(port, null);
        for (Http caller : List.of(integration, anonymous)) {
            int expected = caller == anonymous ? 401 : 403;
            List<Http.Response> responses = List.of(
                    caller.post("/admin/organizations", Map.of("name", "Sneaky")),
                    caller.get("/admin/organizations"),
                    caller.get("/admin/organizations/" + org),
                    caller.post("/admin/organizations/" + org + "/users", validUser("x-" + UUID.randomUUID() + "@e.test")),
                    caller.get("/admin/organizations/" + org + "/users"),
                    caller.post("/admin/organizations/" + org + "/clients", Map.of("name", "x",
                            "grantTypes", List.of("client_credentials"), "scopes", List.of("admin"))),
                    caller.get("/admin/organizations/" + org + "/clients"),
                    caller.delete("/admin/organizations/" + org + "/clients/nsc_x"),
                    caller.post("/admin/organizations/" + org + "/clients/nsc_x/rotate-secret", Map.of()));
            for (Http.Response response : responses) {
                assertThat(response.status()).as(response.toString()).isEqualTo(expected);
                assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            }
        }
        assertThat(admin.get("/admin/organizations/" + org + "/users").json().get("totalItems").asInt()).isZero();
        assertThat(admin.get("/admin/organizations/" + org + "/clients").json().get("totalItems").asInt()).isZero();
    }

    private String createOrganization() {
        Http.Response response = admin.post("/admin/organizations", Map.of("name", "Org " + UUID.randomUUID(),
                "city", "Lyon", "country", "FR"));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json().get("uuid").asString();
    }

    private static Map<String, Object> validUser(String email) {
        return Map.of("email", email, "password", "correct horse battery", "firstName", "Jane", "lastName", "Doe");
    }

    private static Clients.Created created(JsonNode client, String org) {
        JsonNode secret = client.get("clientSecret");
        return new Clients.Created(null, client.get("clientId").asString(),
                secret == null || secret.isNull() ? null : secret.asString(), client.get("name").asString(),
                List.of(), List.of(), List.of(), UUID.fromString(org));
    }

    private static List<String> paths(Http.Response response) {
        List<String> paths = new ArrayList<>();
        response.json().get("violations").forEach(v -> paths.add(v.get("propertyPath").asString()));
        return paths;
    }

    private static String message(Http.Response response) {
        return response.json().get("violations").get(0).get("message").asString();
    }
}
