package org.notesync.support;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.notesync.identity.Accounts;
import org.notesync.identity.Clients;
import org.notesync.identity.Scopes;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Builds a fresh organization with a clinician and an integration client, and gets real tokens for it
 * from the server's token endpoint. Each test makes its own, so tests never share data.
 */
@Component
public class Tenants {

    private final Accounts accounts;
    private final Clients clients;
    private final PasswordEncoder passwords;
    private final UserTokens userTokens;

    Tenants(Accounts accounts, Clients clients, PasswordEncoder passwords, UserTokens userTokens) {
        this.accounts = accounts;
        this.clients = clients;
        this.passwords = passwords;
        this.userTokens = userTokens;
    }

    public record Tenant(Accounts.Organization organization, Accounts.User clinician, Clients.Created client,
            String password, Tenants tenants) {

        /** A client-credentials token with the given scopes (all integration scopes when none are given). */
        public String token(int port, String... scopes) {
            List<String> wanted = scopes.length == 0 ? Scopes.INTEGRATION : List.of(scopes);
            Http.Response response = new Http(port, null).send(new Http(port, null).builder("/oauth2/token")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (client.clientId() + ":" + client.clientSecret()).getBytes()))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Http.form(Map.of(
                            "grant_type", "client_credentials", "scope", String.join(" ", wanted))))));
            if (response.status() != 200) {
                throw new IllegalStateException("token request failed: " + response);
            }
            return response.json().get("access_token").asString();
        }

        public Http api(int port, String... scopes) {
            return new Http(port, token(port, scopes));
        }

        /** A token as if this clinician had granted it (authorization code or device flow). */
        public Http clinicianApi(int port) {
            return new Http(port, tenants.userTokens.mint(this, clinician));
        }

        public Http clinicianApi(int port, Accounts.User user) {
            return new Http(port, tenants.userTokens.mint(this, user));
        }

        public Accounts.User addClinician(String firstName, String lastName) {
            return tenants.accounts.createUser(organization.id(), UUID.randomUUID() + "@example.test",
                    tenants.passwords.encode("pw"), firstName, lastName);
        }
    }

    public Tenant create() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Accounts.Organization org = accounts.createOrganization("Practice " + suffix, "1 Test Street", "Lyon",
                "69001", "FR");
        String password = "pw-" + suffix;
        Accounts.User clinician = accounts.createUser(org.id(), "clinician-" + suffix + "@example.test",
                passwords.encode(password), "Ada", "Lovelace");
        Clients.Created client = clients.create(org.id(), new Clients.Registration("Test client " + suffix,
                Clients.GRANT_TYPES, Scopes.INTEGRATION, List.of("http://127.0.0.1:9/callback"), false));
        return new Tenant(org, clinician, client, password, this);
    }

    public Tenant createWithAdminScope() {
        Tenant tenant = create();
        Clients.Created admin = clients.create(tenant.organization().id(), new Clients.Registration("Admin",
                List.of("client_credentials"), Scopes.ALL, List.of(), false));
        return new Tenant(tenant.organization(), tenant.clinician(), admin, tenant.password(), this);
    }

    static Instant now() {
        return Instant.now();
    }
}
