package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.htmlunit.Page;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Test;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.SettableClock;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The OAuth 2 grants a practice system uses on behalf of a clinician, end to end over real HTTP: the
 * clinician's browser drives the login, consent and activation pages; the practice system talks to
 * the token endpoint and then to the API.
 */
@ServerTest
abstract class OAuthFlowsContract {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    Clients clients;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Accounts accounts;

    @Autowired
    org.springframework.security.crypto.password.PasswordEncoder passwords;

    @Autowired
    SettableClock clock;

    // ---- authorization code with PKCE

    @Test
    void authorizationCodeWithPkceGivesAClinicianTokenThatMeAnswersFor() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();

        String code = authorize(practice, pkce, tenant.clinician().email(), tenant.password(), "profile read:notes");
        Http.Response response = practice.exchange(code, pkce);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode tokens = response.json();
        assertThat(tokens.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(tokens.get("expires_in").asInt()).as("the lifetime, as the guide shows").isEqualTo(3600);
        assertThat(tokens.get("scope").asString().split(" ")).containsExactlyInAnyOrder("profile", "read:notes");
        assertThat(tokens.get("refresh_token").asString()).isNotBlank();
        JsonNode claims = OAuthClient.claims(tokens.get("access_token").asString());
        assertThat(claims.get("org").asString()).isEqualTo(tenant.organization().id().toString());
        assertThat(claims.get("uid").asString()).isEqualTo(tenant.clinician().id().toString());
        assertThat(claims.get("sub").asString()).isEqualTo(tenant.clinician().id().toString());
        assertThat(claims.get("client_id").asString()).isEqualTo(tenant.client().clientId());
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(3600);

        Http.Response me = new Http(port, tokens.get("access_token").asString()).get("/me");
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        JsonNode body = me.json();
        assertThat(body.get("uuid").asString()).isEqualTo(tenant.clinician().id().toString());
        assertThat(body.get("email").asString()).isEqualTo(tenant.clinician().email());
        assertThat(body.get("firstName").asString()).isEqualTo("Ada");
        assertThat(body.get("lastName").asString()).isEqualTo("Lovelace");
        assertThat(body.get("isVerified").asBoolean()).isTrue();
        assertThat(body.get("organizations")).hasSize(1);
        JsonNode org = body.get("organizations").get(0);
        assertThat(org.get("uuid").asString()).isEqualTo(tenant.organization().id().toString());
        assertThat(org.get("streetAddress").asString()).isEqualTo("1 Test Street");
        assertThat(org.get("city").asString()).isEqualTo("Lyon");
        assertThat(org.get("postalCode").asString()).isEqualTo("69001");
        assertThat(org.get("country").asString()).isEqualTo("FR");
        assertThat(body.has("password")).isFalse();
        assertThat(body.has("passwordHash")).isFalse();

        // The token carries only the scopes the clinician approved.
        assertThat(new Http(port, tokens.get("access_token").asString()).get("/patients").status()).isEqualTo(403);
    }

    @Test
    void aPublicClientUsesTheAuthorizationCodeWithPkceAndItsIdAlone() {
        Tenants.Tenant tenant = tenants.create();
        Clients.Created app = clients.create(tenant.organization().id(), new Clients.Registration("Browser app",
                List.of("authorization_code"), List.of("profile"), List.of(OAuthClient.REDIRECT_URI), true));
        OAuthClient practice = new OAuthClient(port, app);
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        String code = practice.authorizationCode(tenant.clinician().email(), tenant.password(), "profile", pkce);

        assertThat(practice.exchange(code, null).status()).as("PKCE is the public client's only proof").isNotEqualTo(200);
        Http.Response tokens = practice.exchange(code, pkce);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        assertThat(OAuthClient.claims(tokens.json().get("access_token").asString()).get("uid").asString())
                .isEqualTo(tenant.clinician().id().toString());
    }

    @Test
    void theCodeExchangeAndTheRefreshAcceptTheGuidesJsonBody() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        String code = authorize(practice, pkce, tenant.clinician().email(), tenant.password(), "profile");
        Http anonymous = new Http(port, null);

        Http.Response exchanged = anonymous.post("/oauth2/token", Map.of("grant_type", "authorization_code",
                "code", code, "redirect_uri", OAuthClient.REDIRECT_URI, "client_id", tenant.client().clientId(),
                "client_secret", tenant.client().clientSecret(), "code_verifier", pkce.verifier()));
        assertThat(exchanged.status()).as(exchanged.toString()).isEqualTo(200);
        assertThat(OAuthClient.claims(exchanged.json().get("access_token").asString()).get("uid").asString())
                .isEqualTo(tenant.clinician().id().toString());

        Http.Response refreshed = anonymous.post("/oauth2/token", Map.of("grant_type", "refresh_token",
                "refresh_token", exchanged.json().get("refresh_token").asString(),
                "client_id", tenant.client().clientId(), "client_secret", tenant.client().clientSecret()));
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        assertThat(refreshed.json().get("refresh_token").asString())
                .isNotEqualTo(exchanged.json().get("refresh_token").asString());
        assertThat(refreshed.json().get("expires_in").asInt()).isEqualTo(3600);
        assertThat(refreshed.json().get("token_type").asString()).isEqualTo("Bearer");
        assertThat(refreshed.json().get("scope").asString()).isNotBlank();
    }

    @Test
    void theCodeExchangeFailsWithoutTheCodeVerifierOrWithAWrongOne() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        String code = authorize(practice, pkce, tenant.clinician().email(), tenant.password(), "profile");

        Http.Response withoutVerifier = practice.exchange(code, null);
        assertThat(withoutVerifier.status()).as(withoutVerifier.toString()).isEqualTo(400);
        assertThat(withoutVerifier.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(withoutVerifier.json().has("access_token")).isFalse();

        Http.Response wrongVerifier = practice.exchange(code, OAuthClient.Pkce.create());
        assertThat(wrongVerifier.status()).as(wrongVerifier.toString()).isEqualTo(400);
        assertThat(wrongVerifier.json().get("error").asString()).isEqualTo("invalid_grant");
    }

    /**
     * The guide's authorization code flow, as written there: no code_challenge, and the exchange a JSON body
     * with the code, the redirect URI and the client's id and secret. A confidential client may do without
     * PKCE; its secret is its proof.
     */
    @Test
    void aConfidentialClientUsesTheGuidesAuthorizationCodeFlowWithoutPkce() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        String code = practice.authorizationCode(tenant.clinician().email(), tenant.password(), "profile read:notes",
                null);
        Http anonymous = new Http(port, null);

        Http.Response withoutSecret = anonymous.post("/oauth2/token", Map.of("grant_type", "authorization_code",
                "code", code, "redirect_uri", OAuthClient.REDIRECT_URI, "client_id", tenant.client().clientId()));
        assertThat(withoutSecret.status()).as("the secret is its proof").isEqualTo(401);
        Http.Response exchanged = anonymous.post("/oauth2/token", Map.of("grant_type", "authorization_code",
                "code", code, "redirect_uri", OAuthClient.REDIRECT_URI, "client_id", tenant.client().clientId(),
                "client_secret", tenant.client().clientSecret()));
        assertThat(exchanged.status()).as(exchanged.toString()).isEqualTo(200);
        assertThat(OAuthClient.claims(exchanged.json().get("access_token").asString()).get("uid").asString())
                .isEqualTo(tenant.clinician().id().toString());
        assertThat(exchanged.json().get("refresh_token").asString()).isNotBlank();
    }

    /** A confidential client registered while PKCE was required of it follows the new rule after V16. */
    @Test
    void theMigrationLetsAConfidentialClientRegisteredBeforeDoWithoutPkce() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        jdbc.sql("""
                UPDATE oauth2_registered_client SET client_settings = REPLACE(client_settings,
                    '"settings.client.require-proof-key":false', '"settings.client.require-proof-key":true')
                WHERE client_id = ?""").param(tenant.client().clientId()).update();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        try (Browser browser = new Browser(port)) {
            Page refused = browser.open(practice.authorizeUrl("profile", "s1", null));
            assertThat(OAuthClient.query(Browser.location(refused))).as("as registered before")
                    .containsEntry("error", "invalid_request");
        }

        String migration = new String(getClass().getResourceAsStream(
                "/db/migration/V16__pkce_optional_for_confidential_clients.sql").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "").strip();
        jdbc.sql(migration.substring(0, migration.lastIndexOf(';'))).update();

        String code = practice.authorizationCode(tenant.clinician().email(), tenant.password(), "profile", null);
        assertThat(practice.exchange(code, null).status()).isEqualTo(200);
    }

    @Test
    void aPublicClientsAuthorizationRequestWithoutACodeChallengeIsRefused() {
        Tenants.Tenant tenant = tenants.create();
        Clients.Created app = clients.create(tenant.organization().id(), new Clients.Registration("Browser app",
                List.of("authorization_code"), List.of("profile"), List.of(OAuthClient.REDIRECT_URI), true));
        OAuthClient practice = new OAuthClient(port, app);
        try (Browser browser = new Browser(port)) {
            Page page = browser.open(practice.authorizeUrl("profile", "s1", null));
            // Refused before any login: back to the client with the error.
            assertThat(page.getWebResponse().getStatusCode()).isEqualTo(302);
            String location = Browser.location(page);
            assertThat(location).startsWith(OAuthClient.REDIRECT_URI);
            assertThat(OAuthClient.query(location)).containsEntry("error", "invalid_request").containsEntry("state", "s1");
        }
    }

    @Test
    void aClinicianOfAnotherOrganizationCannotGetATokenForThisOrganizationsClient() {
        Tenants.Tenant tenant = tenants.create();
        Tenants.Tenant other = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();

        String code = authorize(practice, pkce, other.clinician().email(), other.password(), "profile");
        Http.Response response = practice.exchange(code, pkce);

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(response.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(response.json().has("access_token")).isFalse();
    }

    @Test
    void theConsentPageNamesTheClientAndWhatItAsksAndTheTokenHasOnlyWhatWasTicked() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        String code;
        try (Browser browser = new Browser(port)) {
            Page page = browser.logIn(browser.open(practice.authorizeUrl("profile read:notes write:notes", "s2", pkce)),
                    tenant.clinician().email(), tenant.password());
            HtmlPage consent = Browser.html(page);
            assertThat(consent.asNormalizedText()).contains(tenant.client().name(), tenant.organization().name(),
                    tenant.clinician().email(), "See your name and email address", "Read clinical notes",
                    "Create and change clinical notes");
            assertThat(consent.getWebResponse().getContentAsString()).as("nothing loaded from elsewhere")
                    .doesNotContain("https://", "http://");
            HtmlForm form = consent.getForms().get(0);
            ((org.htmlunit.html.HtmlCheckBoxInput) form.getInputByValue("read:notes")).setChecked(true);
            page = browser.submit(form);
            code = OAuthClient.query(Browser.location(page)).get("code");
        }
        JsonNode tokens = practice.exchange(code, pkce).json();
        assertThat(tokens.get("scope").asString()).isEqualTo("read:notes");
        assertThat(OAuthClient.claims(tokens.get("access_token").asString()).get("scope").get(0).asString())
                .isEqualTo("read:notes");
        assertThat(new Http(port, tokens.get("access_token").asString()).get("/me").status())
                .as("profile was not allowed").isEqualTo(403);
    }

    @Test
    void aClinicianWhoCancelsSendsTheClientBackAnAccessDenied() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        try (Browser browser = new Browser(port)) {
            Page page = browser.logIn(browser.open(practice.authorizeUrl("profile", "s3", OAuthClient.Pkce.create())),
                    tenant.clinician().email(), tenant.password());
            page = browser.submit(Browser.html(page).getForms().get(1)); // Cancel
            assertThat(page.getWebResponse().getStatusCode()).isEqualTo(302);
            assertThat(OAuthClient.query(Browser.location(page))).containsEntry("error", "access_denied")
                    .containsEntry("state", "s3").doesNotContainKey("code");

            // Having allowed profile before, the clinician cancels a request for it and more: Spring added the
            // scopes approved before to the none a Cancel submits, and the client got a code for profile.
            page = browser.approve(browser.open(practice.authorizeUrl("profile", "s4", OAuthClient.Pkce.create())));
            assertThat(OAuthClient.query(Browser.location(page))).containsKey("code");
            page = browser.open(practice.authorizeUrl("profile read:notes", "s5", OAuthClient.Pkce.create()));
            assertThat(Browser.html(page).asNormalizedText()).contains("You already allowed it to");
            page = browser.submit(Browser.html(page).getForms().get(1)); // Cancel
            assertThat(OAuthClient.query(Browser.location(page))).containsEntry("error", "access_denied")
                    .containsEntry("state", "s5").doesNotContainKey("code");

            // Allow with nothing ticked refuses too, when what was allowed before is not asked for: the client got a
            // code whose token had no scope but named the clinician.
            page = browser.approve(browser.open(practice.authorizeUrl("profile", "s6", OAuthClient.Pkce.create())));
            assertThat(OAuthClient.query(Browser.location(page))).containsKey("code");
            page = browser.open(practice.authorizeUrl("read:notes", "s7", OAuthClient.Pkce.create()));
            page = browser.submit(Browser.html(page).getForms().get(0)); // Allow, nothing ticked
            assertThat(OAuthClient.query(Browser.location(page))).containsEntry("error", "access_denied")
                    .containsEntry("state", "s7").doesNotContainKey("code");
            // What was allowed before and is asked for again is still granted without a tick.
            page = browser.approve(browser.open(practice.authorizeUrl("profile", "s8", OAuthClient.Pkce.create())));
            page = browser.open(practice.authorizeUrl("profile read:notes", "s9", OAuthClient.Pkce.create()));
            page = browser.submit(Browser.html(page).getForms().get(0)); // Allow, nothing ticked
            assertThat(OAuthClient.query(Browser.location(page))).containsKey("code").containsEntry("state", "s9");
        }
    }

    /** A program opening the browser's endpoints is told a browser signs in there, not to authenticate a client. */
    @Test
    void theAuthorizationEndpointWithoutABrowserSaysItIsForOne() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        for (String path : List.of(practice.authorizeUrl("profile", "s1", OAuthClient.Pkce.create()),
                "/oauth2/device_verification?user_code=ABCD-EFGH")) {
            Http.Response program = new Http(port, null).get(path.replaceFirst("^http://[^/]+", ""),
                    "application/json");
            assertThat(program.status()).as(path + ": " + program).isEqualTo(401);
            assertThat(program.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(program.header("WWW-Authenticate")).startsWith("Form ");
            assertThat(program.json().get("detail").asString()).contains("clinician's browser", "/login")
                    .doesNotContain("Client authentication is required");
        }
    }

    /** The sign-in session's cookie is HttpOnly and SameSite=Lax: no script reads it, no other site's form sends it. */
    @Test
    void theSignInSessionCookieIsHttpOnlyAndSameSiteLax() {
        Tenants.Tenant tenant = tenants.create();
        String authorize = new OAuthClient(port, tenant.client()).authorizeUrl("profile", "s1",
                OAuthClient.Pkce.create());
        Http.Response toLogin = new Http(port, null).get(authorize.replaceFirst("^http://[^/]+", ""), "text/html");
        assertThat(toLogin.status()).as(toLogin.toString()).isEqualTo(302);
        assertThat(toLogin.raw().headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith("JSESSIONID=").contains("HttpOnly").containsIgnoringCase("SameSite=Lax"));
    }

    @Test
    void aWrongPasswordKeepsTheClinicianOnTheLoginPage() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        try (Browser browser = new Browser(port)) {
            Page page = browser.open(practice.authorizeUrl("profile", "s1", OAuthClient.Pkce.create()));
            page = browser.logIn(page, tenant.clinician().email(), "not-the-password");
            HtmlPage html = Browser.html(page);
            assertThat(html.getUrl().getPath()).isEqualTo("/login");
            assertThat(html.asNormalizedText()).containsIgnoringCase("invalid credentials");
        }
    }

    /**
     * Password guessing is held off: ten wrong passwords for one clinician from one address refuse that address's
     * next sign-ins for that clinician, the right password too, with a 429 saying for how long and no password
     * checked; another clinician signs in from there all the same, and after fifteen minutes the clinician does.
     */
    @Test
    void tenWrongPasswordsHoldOffThatClinicianSignInsFromThereForFifteenMinutes() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        clock.freeze();
        try {
            holdsOffAndLetsGo(tenant, practice);
        } finally {
            clock.reset();
        }
    }

    private void holdsOffAndLetsGo(Tenants.Tenant tenant, OAuthClient practice) {
        try (Browser browser = new Browser(port)) {
            for (int i = 0; i < SignInAttempts.PER_ACCOUNT; i++) {
                Page page = browser.logIn(browser.open(practice.authorizeUrl("profile", "s1", OAuthClient.Pkce.create())),
                        tenant.clinician().email().toUpperCase(java.util.Locale.ROOT), "not-the-password-" + i);
                assertThat(page.getWebResponse().getStatusCode()).as("attempt " + i).isEqualTo(200);
                assertThat(Browser.html(page).getUrl().getPath()).isEqualTo("/login");
            }
            clock.advance(Duration.ofMinutes(5));
            Page held = browser.logIn(browser.open(practice.authorizeUrl("profile", "s1", OAuthClient.Pkce.create())),
                    tenant.clinician().email(), tenant.password());
            assertThat(held.getWebResponse().getStatusCode()).isEqualTo(429);
            assertThat(held.getWebResponse().getResponseHeaderValue("Retry-After")).isEqualTo("600");
            assertThat(Browser.html(held).asNormalizedText()).contains("Too many failed sign-ins",
                    "Try again in 10 minutes");
        }
        try (Browser elsewhere = new Browser(port).header("X-Forwarded-For", "203.0.113.7")) {
            Page page = elsewhere.logIn(elsewhere.open(practice.authorizeUrl("profile", "s1",
                    OAuthClient.Pkce.create())), tenant.clinician().email(), tenant.password());
            assertThat(Browser.html(page).getTitleText()).as("the same clinician elsewhere, behind a load balancer")
                    .containsIgnoringCase("consent");
        }
        Tenants.Tenant other = tenants.create();
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        OAuthClient colleague = new OAuthClient(port, other.client());
        assertThat(colleague.exchange(authorize(colleague, pkce, other.clinician().email(), other.password(), "profile"),
                pkce).status()).as("another clinician from the same address").isEqualTo(200);

        clock.advance(SignInAttempts.WINDOW.minusMinutes(5));
        assertThat(practice.exchange(authorize(practice, pkce, tenant.clinician().email(), tenant.password(),
                "profile"), pkce).status()).as("fifteen minutes after the failures").isEqualTo(200);
    }

    // ---- refresh token

    @Test
    void aRefreshTokenIsSingleUseAndRotatedOnEveryRefreshAndLastsThirtyDays() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        String code = authorize(practice, pkce, tenant.clinician().email(), tenant.password(), "profile read:notes");
        JsonNode first = practice.exchange(code, pkce).json();
        String refresh1 = first.get("refresh_token").asString();

        assertThat(refreshTokenLifetime(refresh1)).isEqualTo(Duration.ofDays(30));

        Http.Response second = practice.refresh(refresh1);
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        String refresh2 = second.json().get("refresh_token").asString();
        assertThat(refresh2).isNotBlank().isNotEqualTo(refresh1);
        String access2 = second.json().get("access_token").asString();
        assertThat(access2).isNotEqualTo(first.get("access_token").asString());
        assertThat(OAuthClient.claims(access2).get("uid").asString()).isEqualTo(tenant.clinician().id().toString());
        assertThat(second.json().get("scope").asString().split(" ")).containsExactlyInAnyOrder("profile", "read:notes");
        assertThat(new Http(port, access2).get("/me").json().get("email").asString())
                .isEqualTo(tenant.clinician().email());
        assertThat(refreshTokenLifetime(refresh2)).isEqualTo(Duration.ofDays(30));

        Http.Response third = practice.refresh(refresh2);
        assertThat(third.status()).as(third.toString()).isEqualTo(200);
        String refresh3 = third.json().get("refresh_token").asString();
        assertThat(refresh3).isNotEqualTo(refresh2);
        assertThat(practice.refresh(refresh3).status()).isEqualTo(200);
    }

    /**
     * RFC 9700, 4.14.2: a refresh token used again after a refresh replaced it was copied, by the client or by
     * someone else; which of them holds the grant's current tokens cannot be told, so the grant ends: its refresh
     * token and every access token it gave stop working, and the clinician authorizes the client again.
     */
    @Test
    void aReplacedRefreshTokenUsedAgainEndsItsGrant() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        JsonNode first = practice.exchange(authorize(practice, pkce, tenant.clinician().email(), tenant.password(),
                "profile read:notes"), pkce).json();
        String refresh1 = first.get("refresh_token").asString();
        JsonNode second = practice.refresh(refresh1).json();
        String access2 = second.get("access_token").asString();
        String refresh2 = second.get("refresh_token").asString();
        assertThat(new Http(port, access2).get("/me").status()).isEqualTo(200);
        String integration = practice.token(Map.of("grant_type", "client_credentials", "scope", "profile"))
                .json().get("access_token").asString();

        Http.Response stolen = new OAuthClient(port, tenants.create().client()).refresh(refresh1);
        assertThat(stolen.status()).as("another client's use of it: refused").isEqualTo(400);
        assertThat(new Http(port, access2).get("/me").status()).as("and it changes nothing").isEqualTo(200);

        Http.Response soon = practice.refresh(refresh1);
        assertThat(soon.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(new Http(port, access2).get("/me").status())
                .as("within a minute of the refresh (two processes sharing a token store): refused, nothing more")
                .isEqualTo(200);

        clock.advance(SingleUseGrants.REUSE_GRACE.plusSeconds(1));
        Http.Response reused;
        try {
            reused = practice.refresh(refresh1);
        } finally {
            clock.reset();
        }
        assertThat(reused.status()).as(reused.toString()).isEqualTo(400);
        assertThat(reused.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(practice.refresh(refresh2).json().get("error").asString()).as("the current refresh token")
                .isEqualTo("invalid_grant");
        Http.Response refused = new Http(port, access2).get("/me");
        assertThat(refused.status()).as("the current access token").isEqualTo(401);
        assertThat(refused.json().get("detail").asString()).contains("This access token has been revoked.");
        assertThat(new Http(port, first.get("access_token").asString()).get("/me").status())
                .as("the first access token").isEqualTo(401);
        assertThat(new Http(port, integration).get("/me").status()).as("the client's other tokens").isEqualTo(200);
    }

    /**
     * A clinician's email may be 320 characters long, and the grant's principal is that email: Spring's schema
     * gave it 200, and such a clinician could sign in but not approve a client (a 500, the email in the log).
     */
    @Test
    void aClinicianWithAnEmailOf300CharactersApprovesAClient() {
        Tenants.Tenant tenant = tenants.create();
        String email = "l".repeat(64) + "@" + "d".repeat(63) + "." + "e".repeat(63) + "." + "f".repeat(63) + "."
                + "g".repeat(39) + ".com";
        assertThat(email).hasSize(300);
        accounts.createUser(tenant.organization().id(), email, passwords.encode("a-long-password"), "Ada", "Long");
        OAuthClient practice = new OAuthClient(port, tenant.client());
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        Http.Response tokens = practice.exchange(authorize(practice, pkce, email, "a-long-password", "profile"), pkce);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        assertThat(new Http(port, tokens.json().get("access_token").asString()).get("/me").json().get("email")
                .asString()).isEqualTo(email);
    }

    /** RFC 7009 on a refresh token a refresh has replaced: the grant ends, as with its current one. */
    @Test
    void revokingAReplacedRefreshTokenEndsItsGrant() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        String refresh1 = practice.exchange(authorize(practice, pkce, tenant.clinician().email(), tenant.password(),
                "profile"), pkce).json().get("refresh_token").asString();
        JsonNode second = practice.refresh(refresh1).json();
        assertThat(new OAuthClient(port, tenants.create().client()).revoke(refresh1).status())
                .as("another client's revocation").isEqualTo(200);
        assertThat(new Http(port, second.get("access_token").asString()).get("/me").status()).as("changes nothing")
                .isEqualTo(200);

        assertThat(practice.revoke(refresh1).status()).isEqualTo(200);
        assertThat(new Http(port, second.get("access_token").asString()).get("/me").status()).isEqualTo(401);
        assertThat(practice.refresh(second.get("refresh_token").asString()).json().get("error").asString())
                .isEqualTo("invalid_grant");
    }

    /** RFC 6749, 4.1.2: a code used twice is refused, and the tokens it gave stop working. */
    @Test
    void aCodeUsedTwiceIsRefusedAndTheTokensItGaveStopWorking() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        String code = authorize(practice, pkce, tenant.clinician().email(), tenant.password(), "profile");
        JsonNode tokens = practice.exchange(code, pkce).json();
        String access = tokens.get("access_token").asString();
        assertThat(new Http(port, access).get("/me").status()).isEqualTo(200);

        Http.Response stranger = new OAuthClient(port, tenants.create().client()).exchange(code, pkce);
        assertThat(stranger.status()).as("another client's use of it: refused").isEqualTo(400);
        assertThat(new Http(port, access).get("/me").status()).as("and it changes nothing").isEqualTo(200);

        Http.Response again = practice.exchange(code, pkce);
        assertThat(again.status()).as(again.toString()).isEqualTo(400);
        assertThat(again.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(new Http(port, access).get("/me").status()).as("its access token").isEqualTo(401);
        assertThat(practice.refresh(tokens.get("refresh_token").asString()).json().get("error").asString())
                .as("its refresh token").isEqualTo("invalid_grant");
    }

    /**
     * Single use holds for requests sent at once: Spring's endpoint read the credential valid in each of them
     * before any wrote it back invalidated, and ten parallel refreshes got up to ten sets of working tokens.
     */
    @Test
    void aRefreshTokenOrACodeSentInParallelRequestsIsRedeemedOnce() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        String code = authorize(practice, pkce, tenant.clinician().email(), tenant.password(), "profile read:notes");
        assertThat(atOnce(8, () -> practice.exchange(code, pkce))).as("the code's exchanges that got tokens")
                .isEqualTo(1);

        Tenants.Tenant other = tenants.create();
        OAuthClient second = new OAuthClient(port, other.client());
        String refresh = second.exchange(authorize(second, pkce, other.clinician().email(), other.password(),
                "profile read:notes"), pkce).json().get("refresh_token").asString();
        assertThat(atOnce(8, () -> second.refresh(refresh))).as("the refreshes that got tokens").isEqualTo(1);
    }

    /** Sends {@code n} requests at once; returns how many were answered 200 (the others must be 400s). */
    private static int atOnce(int n, java.util.concurrent.Callable<Http.Response> request) throws Exception {
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
            List<java.util.concurrent.Future<Http.Response>> sent = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                sent.add(threads.submit(() -> {
                    start.await();
                    return request.call();
                }));
            }
            int ok = 0;
            for (java.util.concurrent.Future<Http.Response> answer : sent) {
                Http.Response response = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(response.status()).as(response.toString()).isIn(200, 400);
                ok += response.status() == 200 ? 1 : 0;
            }
            return ok;
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void anotherClientCannotUseTheRefreshToken() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        String code = authorize(practice, pkce, tenant.clinician().email(), tenant.password(), "profile");
        String refresh = practice.exchange(code, pkce).json().get("refresh_token").asString();

        Http.Response stolen = new OAuthClient(port, tenants.create().client()).refresh(refresh);
        assertThat(stolen.status()).isEqualTo(400);
        assertThat(stolen.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(practice.refresh(refresh).status()).as("still usable by its own client").isEqualTo(200);
    }

    @Test
    void aClientIntrospectsItsOwnRefreshTokenAndNoOneElses() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        String code = authorize(practice, pkce, tenant.clinician().email(), tenant.password(), "profile");
        String refresh = practice.exchange(code, pkce).json().get("refresh_token").asString();
        Tenants.Tenant other = tenants.create();
        for (Tenants.Tenant asker : List.of(tenant, other)) {
            Http.Response answer = new OAuthClient(port, asker.client()).introspect(refresh);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.json().get("active").asBoolean()).as(asker == tenant ? "its own" : "another's")
                    .isEqualTo(asker == tenant);
        }
        // A device code and its user code carry no organization either: not tokens, never active.
        JsonNode device = practice.deviceAuthorization("profile").json();
        for (String pending : List.of(device.get("device_code").asString(), device.get("user_code").asString())) {
            Http.Response answer = practice.introspect(pending);
            assertThat(answer.json().get("active").asBoolean()).as(pending).isFalse();
        }
    }

    /**
     * An authorization request the server cannot send back to the client is shown to whoever opened it, often
     * the integrator trying the flow: the problem document names what is wrong instead of "Bad Request.". One
     * it can send back goes to the client's redirect URI with the error and the state, as before.
     */
    @Test
    void anAuthorizationRequestItCannotSendBackSaysWhatIsWrongAndOneItCanGoesBack() {
        Tenants.Tenant tenant = tenants.create();
        Http browser = new Http(port, null);
        Map<String, String> wrong = Map.of(
                "redirect_uri", "redirect_uri is missing where it is needed (the client has several, or the scope "
                        + "asks for openid), given more than once, or not one of the client's registered redirect URIs",
                "client_id", "client_id is missing, given more than once, or names no client registered");
        wrong.forEach((parameter, detail) -> {
            Map<String, String> query = new java.util.LinkedHashMap<>(Map.of("response_type", "code",
                    "client_id", tenant.client().clientId(), "redirect_uri", OAuthClient.REDIRECT_URI,
                    "scope", "read:notes", "state", "s1"));
            query.put(parameter, parameter.equals("client_id") ? "no-such-client" : "https://elsewhere.example/cb");
            Http.Response refused = browser.get("/oauth2/authorize?" + Http.form(query), "text/html");
            assertThat(refused.status()).as(parameter + ": " + refused).isEqualTo(400);
            assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(refused.json().get("detail").asString()).as(parameter).startsWith(detail)
                    .doesNotContain("elsewhere", "no-such-client");
        });

        // A client registered for client credentials or the device flow only has no redirect URI to go back to.
        Clients.Created device = clients.create(tenant.organization().id(), new Clients.Registration("Desktop",
                List.of(OAuthClient.DEVICE_CODE, "refresh_token"), List.of("profile", "read:notes"), List.of(), true));
        Http.Response noRedirect = browser.get("/oauth2/authorize?" + Http.form(Map.of("response_type", "code",
                "client_id", device.clientId(), "scope", "read:notes", "state", "s1")), "text/html");
        assertThat(noRedirect.status()).as(noRedirect.toString()).isEqualTo(400);
        assertThat(noRedirect.json().get("detail").asString()).contains("no redirect URI", "unauthorized_client");

        // A client registered before redirect URIs had to be ASCII (56f31de), with a raw é in one: Spring's
        // redirect to it failed, a 500. It is told its registration is at fault instead.
        String raw = "http://127.0.0.1:8081/cb?x=\u00e9";
        Clients.Created legacy = clients.create(tenant.organization().id(), new Clients.Registration("Legacy",
                List.of("authorization_code", "refresh_token"), List.of("profile", "read:notes"), List.of(raw), false));
        for (String scope : List.of("read:notes", "no:such-scope")) {
            Http.Response legacyAuthorize = browser.get("/oauth2/authorize?" + Http.form(Map.of("response_type",
                    "code", "client_id", legacy.clientId(), "redirect_uri", raw, "scope", scope, "state", "s1")),
                    "text/html");
            assertThat(legacyAuthorize.status()).as(scope + ": " + legacyAuthorize).isEqualTo(400);
            assertThat(legacyAuthorize.json().get("detail").asString()).as(scope).contains("redirect URI");
        }

        Http.Response back = browser.get("/oauth2/authorize?" + Http.form(Map.of("response_type", "code",
                "client_id", tenant.client().clientId(), "redirect_uri", OAuthClient.REDIRECT_URI,
                "scope", "no:such-scope", "state", "s1")), "text/html");
        assertThat(back.status()).as(back.toString()).isEqualTo(302);
        assertThat(back.header("Location")).startsWith(OAuthClient.REDIRECT_URI + "?error=invalid_scope")
                .contains("state=s1");

        // A response_type other than code (an implicit grant's token) goes back too (RFC 6749, 4.1.2.1): Spring
        // refused it before reading the client, and the browser got a 400 page instead of the client its error.
        for (Map<String, String> implicit : List.of(Map.of("response_type", "token", "client_id",
                tenant.client().clientId(), "redirect_uri", OAuthClient.REDIRECT_URI, "scope", "read:notes",
                "state", "s1"), Map.of("response_type", "token", "client_id", tenant.client().clientId(),
                        "scope", "read:notes", "state", "s1"))) {
            Http.Response token = browser.get("/oauth2/authorize?" + Http.form(implicit), "text/html");
            assertThat(token.status()).as(token.toString()).isEqualTo(302);
            assertThat(token.header("Location")).startsWith(OAuthClient.REDIRECT_URI + "?error=unsupported_response_type")
                    .contains("state=s1");
        }
        // Not to a redirect URI the client did not register, nor for an unknown client.
        for (Map<String, String> elsewhere : List.of(Map.of("response_type", "token", "client_id",
                tenant.client().clientId(), "redirect_uri", "https://elsewhere.example/cb", "state", "s1"),
                Map.of("response_type", "token", "client_id", "no-such-client", "redirect_uri",
                        OAuthClient.REDIRECT_URI, "state", "s1"))) {
            Http.Response refused = browser.get("/oauth2/authorize?" + Http.form(elsewhere), "text/html");
            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.json().get("detail").asString()).contains("response_type", "unsupported_response_type");
        }
    }

    /** A password in the sign-in URL (kept by proxies and access logs) is refused, not used to sign in. */
    @Test
    void theSignInFormsCredentialsAreReadFromItsBodyNotTheUrl() {
        Tenants.Tenant tenant = tenants.create();
        try (Browser browser = new Browser(port)) {
            HtmlPage login = Browser.html(browser.open("/login"));
            HtmlForm form = login.getForms().get(0);
            form.setActionAttribute("/login?username=" + java.net.URLEncoder.encode(tenant.clinician().email(),
                    java.nio.charset.StandardCharsets.UTF_8) + "&password=" + java.net.URLEncoder.encode(
                    tenant.password(), java.nio.charset.StandardCharsets.UTF_8));
            Page answered = browser.submit(form);
            assertThat(answered.getWebResponse().getStatusCode()).isEqualTo(400);
            assertThat(answered.getWebResponse().getContentAsString()).contains("request body")
                    .doesNotContain(tenant.password());
            // The same form, filled in as a browser does, signs in.
            HtmlPage again = Browser.html(browser.open("/login"));
            Page signedIn = browser.logIn(again, tenant.clinician().email(), tenant.password());
            assertThat(signedIn.getUrl().getPath()).isNotEqualTo("/login");
        }
    }

    @Test
    void aFormPostedWithoutItsCsrfTokenIsToldSo() {
        for (String path : List.of("/login", "/activate")) {
            Http.Response refused = new Http(port, null).raw("POST", path, "application/x-www-form-urlencoded",
                    "username=someone&password=something");
            assertThat(refused.status()).as(path + ": " + refused).isEqualTo(403);
            assertThat(refused.json().get("detail").asString()).as(path).contains("CSRF token is missing or no longer valid");
        }
    }

    /**
     * RFC 7009: a revoked access token stops working at once, not at its expiry, and so does the access token of
     * a revoked refresh token; other tokens go on working.
     */
    @Test
    void aRevokedAccessTokenOrTheAccessTokenOfARevokedRefreshTokenIsRefused() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        String integration = practice.token(Map.of("grant_type", "client_credentials", "scope", "profile"))
                .json().get("access_token").asString();
        String other = practice.token(Map.of("grant_type", "client_credentials", "scope", "profile"))
                .json().get("access_token").asString();
        assertThat(new Http(port, integration).get("/me").status()).isEqualTo(200);
        assertThat(practice.revoke(integration).status()).isEqualTo(200);
        Http.Response refused = new Http(port, integration).get("/me");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("detail").asString()).contains("This access token has been revoked.");
        assertThat(new Http(port, other).get("/me").status()).as("another token of the client").isEqualTo(200);

        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        JsonNode tokens = practice.exchange(authorize(practice, pkce, tenant.clinician().email(), tenant.password(),
                "profile read:notes"), pkce).json();
        String first = tokens.get("access_token").asString();
        JsonNode refreshed = practice.refresh(tokens.get("refresh_token").asString()).json();
        String second = refreshed.get("access_token").asString();
        assertThat(new Http(port, first).get("/me").status()).isEqualTo(200);
        assertThat(new Http(port, second).get("/me").status()).isEqualTo(200);
        assertThat(practice.revoke(refreshed.get("refresh_token").asString()).status()).isEqualTo(200);
        assertThat(new Http(port, second).get("/me").status()).as("its access token goes with it").isEqualTo(401);
        assertThat(new Http(port, first).get("/me").status()).as("and the one before the refresh").isEqualTo(401);
        assertThat(practice.refresh(refreshed.get("refresh_token").asString()).json().get("error").asString())
                .isEqualTo("invalid_grant");

        // An older access token revoked itself: Spring no longer keeps it, its signature says it is the client's.
        Tenants.Tenant otherTenant = tenants.create();
        OAuthClient secondPractice = new OAuthClient(port, otherTenant.client());
        OAuthClient.Pkce another = OAuthClient.Pkce.create();
        JsonNode again = secondPractice.exchange(authorize(secondPractice, another, otherTenant.clinician().email(),
                otherTenant.password(), "profile"), another).json();
        String older = again.get("access_token").asString();
        String newer = secondPractice.refresh(again.get("refresh_token").asString()).json().get("access_token")
                .asString();
        assertThat(secondPractice.revoke(older).status()).isEqualTo(200);
        assertThat(new Http(port, older).get("/me").status()).isEqualTo(401);
        assertThat(new Http(port, newer).get("/me").status()).as("the grant goes on").isEqualTo(200);
        assertThat(new OAuthClient(port, tenants.create().client()).revoke(newer).status())
                .as("another client's revocation of it").isNotEqualTo(500);
        assertThat(new Http(port, newer).get("/me").status()).as("changes nothing").isEqualTo(200);
    }

    // ---- device code

    @Test
    void deviceCodeForAPublicDesktopClientWithAClinicianWhoLogsInOnTheActivationPage() {
        Tenants.Tenant tenant = tenants.create();
        Clients.Created desktop = clients.create(tenant.organization().id(), new Clients.Registration("Desktop",
                List.of(OAuthClient.DEVICE_CODE, "refresh_token"), List.of("profile", "read:notes"), List.of(), true));
        assertThat(desktop.clientSecret()).isNull();
        OAuthClient software = new OAuthClient(port, desktop);

        // An empty client_secret is none, in a form or in JSON: desktop software that sends one is still public.
        assertThat(new Http(port, null).raw("POST", "/oauth2/device_authorization", "application/x-www-form-urlencoded",
                "client_id=" + desktop.clientId() + "&client_secret=&scope=profile").status()).isEqualTo(200);
        assertThat(new Http(port, null).post("/oauth2/device_authorization", Map.of("client_id", desktop.clientId(),
                "client_secret", "", "scope", "profile")).status()).isEqualTo(200);

        Http.Response authorization = software.deviceAuthorization("profile read:notes");
        assertThat(authorization.status()).as(authorization.toString()).isEqualTo(200);
        JsonNode device = authorization.json();
        String userCode = device.get("user_code").asString();
        assertThat(device.get("verification_uri").asString()).isEqualTo("http://127.0.0.1:" + port + "/activate");
        assertThat(device.get("verification_uri_complete").asString()).contains("/activate?user_code=");
        assertThat(device.get("interval").asInt()).isPositive();
        assertThat(device.get("expires_in").asInt()).isPositive();

        Http.Response pending = software.pollDevice(device.get("device_code").asString());
        assertThat(pending.status()).as(pending.toString()).isEqualTo(400);
        assertThat(pending.json().get("error").asString()).isEqualTo("authorization_pending");

        try (Browser browser = new Browser(port)) {
            Page page = browser.open("/activate");
            page = browser.logIn(page, tenant.clinician().email(), tenant.password());
            HtmlPage activate = Browser.html(page);
            assertThat(activate.getUrl().getPath()).as("back on the activation page after login").isEqualTo("/activate");
            HtmlForm form = activate.getForms().get(0);
            form.getInputByName("user_code").setValue(userCode);
            page = browser.approve(browser.submit(form));
            assertThat(page.getWebResponse().getStatusCode()).isEqualTo(200);
            assertThat(Browser.html(page).asNormalizedText()).contains("Device activated");
        }

        // The verification endpoint without a code (Spring's leaves it to the application: a 404 "no resource at
        // this path"): a browser is sent to the page that asks for one, a form without one is told it is missing.
        try (Browser browser = new Browser(port)) {
            browser.logIn(browser.open("/activate"), tenant.clinician().email(), tenant.password());
            Page withoutCode = browser.open("/oauth2/device_verification");
            assertThat(withoutCode.getUrl().getPath()).isEqualTo("/activate");
            assertThat(Browser.html(withoutCode).getForms().get(0).getInputsByName("user_code")).hasSize(1);
            Page posted = browser.post("/oauth2/device_verification");
            assertThat(posted.getWebResponse().getStatusCode()).isEqualTo(400);
            assertThat(posted.getWebResponse().getContentAsString()).contains("user_code");
        }

        Http.Response granted = software.pollDevice(device.get("device_code").asString());
        assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
        JsonNode claims = OAuthClient.claims(granted.json().get("access_token").asString());
        assertThat(claims.get("org").asString()).isEqualTo(tenant.organization().id().toString());
        assertThat(claims.get("uid").asString()).isEqualTo(tenant.clinician().id().toString());
        Http.Response me = new Http(port, granted.json().get("access_token").asString()).get("/me");
        assertThat(me.json().get("email").asString()).isEqualTo(tenant.clinician().email());

        // The desktop software keeps working past the hour: its refresh token rotates like any other.
        String refresh = granted.json().get("refresh_token").asString();
        Http.Response refreshed = software.refresh(refresh);
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        assertThat(refreshed.json().get("refresh_token").asString()).isNotEqualTo(refresh);
        assertThat(software.refresh(refresh).json().get("error").asString()).isEqualTo("invalid_grant");

        Http.Response used = software.pollDevice(device.get("device_code").asString());
        assertThat(used.status()).as("a device code is good for one token").isEqualTo(400);
        // Not access_denied, which says the clinician declined: software whose first answer was lost is told the truth.
        assertThat(used.json().get("error").asString()).isEqualTo("invalid_grant");

        // Signing out: the public client revokes its refresh token by its id alone (RFC 7009), and the grant ends.
        String current = refreshed.json().get("refresh_token").asString();
        Http.Response revoked = new Http(port, null).raw("POST", "/oauth2/revoke", "application/x-www-form-urlencoded",
                Http.form(Map.of("token", current, "client_id", desktop.clientId())));
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(software.refresh(current).json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(new Http(port, refreshed.json().get("access_token").asString()).get("/me").status()).isEqualTo(401);
    }

    /**
     * RFC 9449, 5: desktop software (a public client) that binds its tokens to a DPoP key has its refresh token
     * bound to that key too. A refresh without a proof was answered with a plain bearer token, so a copied refresh
     * token worked without the key, and the grant was no longer bound.
     */
    @Test
    void aPublicClientsDpopBoundRefreshTokenNeedsAProofWithItsKey() {
        Tenants.Tenant tenant = tenants.create();
        Clients.Created desktop = clients.create(tenant.organization().id(), new Clients.Registration("Desktop",
                List.of(OAuthClient.DEVICE_CODE, "refresh_token"), List.of("profile"), List.of(), true));
        OAuthClient software = new OAuthClient(port, desktop);
        JsonNode device = software.deviceAuthorization("profile").json();
        try (Browser browser = new Browser(port)) {
            Page page = browser.logIn(browser.open(device.get("verification_uri_complete").asString()),
                    tenant.clinician().email(), tenant.password());
            page = browser.approve(browser.submit(Browser.html(page).getForms().get(0)));
            assertThat(Browser.html(page).asNormalizedText()).contains("Device activated");
        }
        String tokenUrl = "http://127.0.0.1:" + port + "/oauth2/token";
        com.nimbusds.jose.jwk.ECKey key = OAuthClient.dpopKey();
        Http.Response granted = software.token(Map.of("grant_type", OAuthClient.DEVICE_CODE,
                "device_code", device.get("device_code").asString()), OAuthClient.dpopProof(key, "POST", tokenUrl));
        assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
        assertThat(granted.json().get("token_type").asString()).isEqualTo("DPoP");
        String refresh = granted.json().get("refresh_token").asString();

        Http.Response withoutProof = software.refresh(refresh);
        assertThat(withoutProof.status()).as(withoutProof.toString()).isEqualTo(400);
        assertThat(withoutProof.json().get("error").asString()).isEqualTo("invalid_dpop_proof");
        assertThat(withoutProof.json().get("error_description").asString()).contains("DPoP").doesNotContain(refresh);
        Http.Response otherKey = software.token(Map.of("grant_type", "refresh_token", "refresh_token", refresh),
                OAuthClient.dpopProof(OAuthClient.dpopKey(), "POST", tokenUrl));
        assertThat(otherKey.status()).as(otherKey.toString()).isEqualTo(400);
        assertThat(otherKey.json().get("error").asString()).isEqualTo("invalid_dpop_proof");

        // Refused, not used: the software with its key refreshes, and the new tokens are bound to the key again.
        Http.Response refreshed = software.token(Map.of("grant_type", "refresh_token", "refresh_token", refresh),
                OAuthClient.dpopProof(key, "POST", tokenUrl));
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        assertThat(refreshed.json().get("token_type").asString()).isEqualTo("DPoP");
        assertThat(OAuthClient.claims(refreshed.json().get("access_token").asString()).get("cnf").get("jkt")
                .asString()).isEqualTo(OAuthClient.claims(granted.json().get("access_token").asString())
                        .get("cnf").get("jkt").asString());
        Http.Response again = software.refresh(refreshed.json().get("refresh_token").asString());
        assertThat(again.json().get("error").asString()).isEqualTo("invalid_dpop_proof");
    }

    /** RFC 8628, 3.5: software that polls faster than the interval it was given is told to slow down. */
    @Test
    void aDeviceCodePolledSoonerThanItsIntervalIsToldToSlowDownButNeverOnceApproved() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient software = new OAuthClient(port, tenant.client());
        JsonNode device = software.deviceAuthorization("profile").json();
        String deviceCode = device.get("device_code").asString();
        try {
            assertThat(software.pollDevice(deviceCode).json().get("error").asString()).isEqualTo("authorization_pending");
            Http.Response hurried = software.pollDevice(deviceCode);
            assertThat(hurried.status()).as(hurried.toString()).isEqualTo(400);
            assertThat(hurried.json().get("error").asString()).isEqualTo("slow_down");
            assertThat(hurried.json().get("error_description").asString()).contains("wait 5 seconds longer");

            // A poll the interval after the one told to slow down is answered as usual.
            clock.advance(Duration.ofSeconds(device.get("interval").asInt()));
            assertThat(software.pollDevice(deviceCode).json().get("error").asString()).isEqualTo("authorization_pending");
        } finally {
            clock.reset();
        }

        try (Browser browser = new Browser(port)) {
            Page page = browser.logIn(browser.open(device.get("verification_uri_complete").asString()),
                    tenant.clinician().email(), tenant.password());
            page = browser.approve(browser.submit(Browser.html(page).getForms().get(0)));
            assertThat(Browser.html(page).asNormalizedText()).contains("Device activated");
        }
        // Approved a moment after the last poll: the tokens are not held back for the pace.
        Http.Response granted = software.pollDevice(deviceCode);
        assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
    }

    @Test
    void deviceCodeForAConfidentialClientWithTheCompleteVerificationUri() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient software = new OAuthClient(port, tenant.client());

        JsonNode device = software.deviceAuthorization("profile").json();
        String deviceCode = device.get("device_code").asString();
        assertThat(software.pollDevice(deviceCode).json().get("error").asString()).isEqualTo("authorization_pending");

        try (Browser browser = new Browser(port)) {
            Page page = browser.open(device.get("verification_uri_complete").asString());
            page = browser.logIn(page, tenant.clinician().email(), tenant.password());
            HtmlPage activate = Browser.html(page);
            assertThat(activate.getForms().get(0).getInputByName("user_code").getValue())
                    .as("the code from the complete URI is filled in").isEqualTo(device.get("user_code").asString());
            page = browser.approve(browser.submit(activate.getForms().get(0)));
            assertThat(Browser.html(page).asNormalizedText()).contains("Device activated");
        }

        Http.Response granted = software.pollDevice(deviceCode);
        assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
        assertThat(OAuthClient.claims(granted.json().get("access_token").asString()).get("uid").asString())
                .isEqualTo(tenant.clinician().id().toString());
    }

    /**
     * A device code is activated on the clinician's screen, so a link to the verification endpoint (sent
     * by whoever started the flow) must never activate it by itself, even once the clinician consented to
     * that client before: the consent page, with the scopes and its own state, is shown every time.
     */
    @Test
    void aDeviceCodeIsNeverActivatedWithoutTheClinicianConfirmingIt() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient software = new OAuthClient(port, tenant.client());
        try (Browser browser = new Browser(port)) {
            JsonNode first = software.deviceAuthorization("profile read:notes").json();
            Page page = browser.open(first.get("verification_uri_complete").asString());
            page = browser.logIn(page, tenant.clinician().email(), tenant.password());
            page = browser.approve(browser.submit(Browser.html(page).getForms().get(0)));
            assertThat(Browser.html(page).asNormalizedText()).contains("Device activated");

            JsonNode second = software.deviceAuthorization("profile read:notes").json();
            String code = URLEncoder.encode(second.get("user_code").asString(), StandardCharsets.UTF_8);
            Page linked = browser.open("/oauth2/device_verification?user_code=" + code);
            assertThat(Browser.html(linked).getTitleText()).as("the consent page again")
                    .containsIgnoringCase("consent");
            assertThat(software.pollDevice(second.get("device_code").asString()).json().get("error").asString())
                    .isEqualTo("authorization_pending");
            page = browser.approve(linked);
            assertThat(Browser.html(page).asNormalizedText()).contains("Device activated");
            assertThat(software.pollDevice(second.get("device_code").asString()).status()).isEqualTo(200);

            // Cancel grants nothing, although every scope asked for was approved before.
            JsonNode third = software.deviceAuthorization("profile read:notes").json();
            Page asked = browser.open("/oauth2/device_verification?user_code="
                    + URLEncoder.encode(third.get("user_code").asString(), StandardCharsets.UTF_8));
            HtmlForm cancel = Browser.html(asked).getForms().stream()
                    .filter(f -> f.getFirstByXPath(".//button[@id='cancel-consent']") != null).findFirst().orElseThrow();
            Page cancelled = browser.submit(cancel);
            assertThat(Browser.html(cancelled).asNormalizedText()).doesNotContain("Device activated");
            Http.Response denied = software.pollDevice(third.get("device_code").asString());
            assertThat(denied.status()).as(denied.toString()).isEqualTo(400);
            assertThat(denied.json().get("error").asString()).isIn("access_denied", "expired_token", "invalid_grant");
        }
    }

    @Test
    void aPublicClientCannotPassItselfOffWithoutBeingRegisteredAsPublic() {
        Tenants.Tenant tenant = tenants.create();
        // The tenant's client is confidential: naming it without its secret is not enough.
        Clients.Created withoutSecret = new Clients.Created(tenant.client().id(), tenant.client().clientId(), null,
                null, List.of(), List.of(), List.of(), tenant.organization().id());
        Http.Response response = new OAuthClient(port, withoutSecret).deviceAuthorization("profile");
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().get("error").asString()).isEqualTo("invalid_client");
    }

    @Test
    void aWrongUserCodeShowsAnErrorPageNotAToken() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient software = new OAuthClient(port, tenant.client());
        String deviceCode = software.deviceAuthorization("profile").json().get("device_code").asString();
        try (Browser browser = new Browser(port)) {
            Page page = enterUserCode(browser, tenant.clinician().email(), tenant.password(), "WXYZ-BCDF");
            assertThat(page.getWebResponse().getStatusCode()).isEqualTo(400);
            assertThat(Browser.html(page).asNormalizedText()).contains("Device not activated", "not valid");
        }
        assertThat(software.pollDevice(deviceCode).json().get("error").asString()).isEqualTo("authorization_pending");
    }

    @Test
    void aClinicianOfAnotherOrganizationIsToldTheCodeIsNotTheirsAndTheDeviceKeepsWaiting() {
        Tenants.Tenant tenant = tenants.create();
        Tenants.Tenant elsewhere = tenants.create();
        OAuthClient software = new OAuthClient(port, tenant.client());
        JsonNode device = software.deviceAuthorization("profile").json();
        try (Browser browser = new Browser(port)) {
            Page page = enterUserCode(browser, elsewhere.clinician().email(), elsewhere.password(),
                    device.get("user_code").asString());
            assertThat(page.getWebResponse().getStatusCode()).isEqualTo(400);
            assertThat(Browser.html(page).asNormalizedText()).contains("Device not activated",
                    "belongs to practice software of another organization");
        }
        assertThat(software.pollDevice(device.get("device_code").asString()).json().get("error").asString())
                .isEqualTo("authorization_pending");
    }

    /**
     * Spring invalidates a device code another client polls with (as RFC 6749 has a code used by another client
     * go): the clinician entering its user code is told it is not valid, rather than shown "Device activated" for
     * software that will never get its tokens.
     */
    @Test
    void aDeviceCodeAnotherClientPolledWithIsNotActivated() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient software = new OAuthClient(port, tenant.client());
        JsonNode device = software.deviceAuthorization("profile").json();
        String deviceCode = device.get("device_code").asString();
        assertThat(new OAuthClient(port, tenants.create().client()).pollDevice(deviceCode).json().get("error")
                .asString()).isEqualTo("invalid_grant");
        try (Browser browser = new Browser(port)) {
            Page page = enterUserCode(browser, tenant.clinician().email(), tenant.password(),
                    device.get("user_code").asString());
            assertThat(page.getWebResponse().getStatusCode()).isEqualTo(400);
            assertThat(Browser.html(page).asNormalizedText()).contains("Device not activated",
                    "This code is not valid or has expired");
        }
        assertThat(software.pollDevice(deviceCode).json().get("error").asString()).isEqualTo("invalid_grant");
    }

    @Test
    void aClinicianWhoDeclinesLeavesTheDeviceWithAccessDenied() {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient software = new OAuthClient(port, tenant.client());
        JsonNode device = software.deviceAuthorization("profile read:notes").json();
        try (Browser browser = new Browser(port)) {
            Page page = browser.logIn(browser.open(device.get("verification_uri_complete").asString()),
                    tenant.clinician().email(), tenant.password());
            HtmlPage consent = Browser.html(browser.submit(Browser.html(page).getForms().get(0)));
            assertThat(consent.asNormalizedText()).contains("Read clinical notes", "See your name and email address");
            page = browser.submit(consent.getForms().get(1)); // Cancel
            assertThat(page.getWebResponse().getStatusCode()).isEqualTo(400);
            assertThat(Browser.html(page).asNormalizedText()).contains("declined");
        }
        Http.Response denied = software.pollDevice(device.get("device_code").asString());
        assertThat(denied.status()).isEqualTo(400);
        assertThat(denied.json().get("error").asString()).isEqualTo("access_denied");

        // Allow with nothing ticked declines as well.
        JsonNode second = software.deviceAuthorization("read:notes").json();
        try (Browser browser = new Browser(port)) {
            Page page = browser.logIn(browser.open(second.get("verification_uri_complete").asString()),
                    tenant.clinician().email(), tenant.password());
            HtmlPage consent = Browser.html(browser.submit(Browser.html(page).getForms().get(0)));
            page = browser.submit(consent.getForms().get(0)); // Allow, nothing ticked
            assertThat(Browser.html(page).asNormalizedText()).contains("declined");
        }
        assertThat(software.pollDevice(second.get("device_code").asString()).json().get("error").asString())
                .isEqualTo("access_denied");
    }

    // ---- client credentials and /me

    @Test
    void meWithAClientCredentialsTokenHasTheOrganizationAndNoClinician() {
        Tenants.Tenant tenant = tenants.create();
        Http.Response me = tenant.api(port, "profile").get("/me");
        assertThat(me.status()).isEqualTo(200);
        JsonNode body = me.json();
        assertThat(body.get("uuid").isNull()).isTrue();
        assertThat(body.get("email").isNull()).isTrue();
        assertThat(body.get("clientId").asString()).isEqualTo(tenant.client().clientId());
        assertThat(body.get("organizations").get(0).get("uuid").asString())
                .isEqualTo(tenant.organization().id().toString());
        assertThat(body.get("organizations").get(0).get("postalCode").asString()).isEqualTo("69001");
    }

    @Test
    void clientCredentialsCannotAskForAScopeTheClientDoesNotHave() {
        Tenants.Tenant tenant = tenants.create();
        Http.Response response = new OAuthClient(port, tenant.client())
                .token(Map.of("grant_type", "client_credentials", "scope", "admin"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").asString()).isEqualTo("invalid_scope");
    }

    /** The clinician signs in on the activation page and submits the user code; the page that answers. */
    private static Page enterUserCode(Browser browser, String email, String password, String userCode) {
        Page page = browser.logIn(browser.open("/activate"), email, password);
        HtmlForm form = Browser.html(page).getForms().get(0);
        form.getInputByName("user_code").setValue(userCode);
        return browser.submit(form);
    }

    String authorize(OAuthClient practice, OAuthClient.Pkce pkce, String email, String password, String scope) {
        return practice.authorizationCode(email, password, scope, pkce);
    }

    private Duration refreshTokenLifetime(String refreshToken) {
        // The authorization row holding this refresh token: its issue and expiry times as stored.
        return jdbc.sql("SELECT refresh_token_issued_at, refresh_token_expires_at FROM oauth2_authorization "
                        + "WHERE refresh_token_value = ?")
                .param(refreshToken)
                .query((rs, n) -> Duration.between(rs.getObject(1, OffsetDateTime.class),
                        rs.getObject(2, OffsetDateTime.class)))
                .single();
    }
}
