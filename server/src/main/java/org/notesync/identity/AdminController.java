package org.notesync.identity;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import jakarta.servlet.http.HttpServletRequest;
import org.notesync.NotesyncProperties;
import org.notesync.web.ApiException;
import org.notesync.web.CollectionQuery;
import org.notesync.web.Dates;
import org.notesync.web.EmailAddresses;
import org.notesync.web.JsonFields;
import org.notesync.web.Page;
import org.notesync.web.Representations;
import org.notesync.web.Representations.ResourceType;
import org.notesync.web.Violation;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;

/**
 * The operator's API (scope {@code admin}, checked by the security configuration): organizations,
 * their clinicians and their OAuth 2 clients. A client secret is in the answer to its creation (or rotation) only.
 */
@RestController
@RequestMapping("/admin/organizations")
class AdminController {

    static final int MIN_PASSWORD_LENGTH = 12;
    /** BCrypt reads at most 72 bytes of a password; a longer one would be silently cut. */
    static final int MAX_PASSWORD_BYTES = 72;
    /** Symfony's code for a too short value, as API Platform clients know it. */
    private static final Pattern COUNTRY = Pattern.compile("^[A-Za-z]{2}$");
    /** The officially assigned ISO 3166-1 alpha-2 codes, as the JDK knows them (not ZZ, QQ or XK). */
    private static final java.util.Set<String> COUNTRIES = Locale.getISOCountries(Locale.IsoCountryCode.PART1_ALPHA2);
    private static final String DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";

    static final ResourceType ORGANIZATION = new ResourceType("Organization", "/admin/organizations");

    @Schema(name = "Organization")
    record OrganizationView(UUID uuid, String name, @Nullable String streetAddress, @Nullable String city,
            @Nullable String postalCode, @Nullable String country) {
        static OrganizationView of(Accounts.Organization o) {
            return new OrganizationView(o.id(), o.name(), o.streetAddress(), o.city(), o.postalCode(), o.country());
        }
    }

    @Schema(name = "UserAccount")
    record UserView(UUID uuid, String email, String firstName, String lastName, boolean isVerified,
            UUID organization) {
        static UserView of(Accounts.User u) {
            return new UserView(u.id(), u.email(), u.firstName(), u.lastName(), u.verified(), u.organizationId());
        }
    }

    @Schema(name = "Client")
    record ClientView(String clientId, String name, List<String> grantTypes, List<String> scopes,
            List<String> redirectUris, @JsonProperty("public") boolean publicClient, UUID organization,
            String createdAt) {
        static ClientView of(Clients.Summary c) {
            return new ClientView(c.clientId(), c.name(), c.grantTypes(), c.scopes(), c.redirectUris(),
                    c.publicClient(), c.organizationId(), Dates.format(c.createdAt()));
        }
    }

    /** The only representation that carries the secret: the answer to the creation, and to a rotate-secret. */
    @Schema(name = "CreatedClient")
    record CreatedClientView(String clientId, @Nullable String clientSecret, String name, List<String> grantTypes,
            List<String> scopes, List<String> redirectUris, @JsonProperty("public") boolean publicClient,
            UUID organization, String createdAt) {
    }

    private final Accounts accounts;
    private final Clients clients;
    private final PasswordEncoder passwords;
    private final Representations representations;
    private final boolean production;

    AdminController(Accounts accounts, Clients clients, PasswordEncoder passwords, Representations representations,
            NotesyncProperties notesync) {
        this.accounts = accounts;
        this.clients = clients;
        this.passwords = passwords;
        this.representations = representations;
        this.production = notesync.production();
    }

    // ---- organizations

    @PostMapping
    ResponseEntity<Object> createOrganization(@RequestBody JsonNode body, HttpServletRequest request) {
        JsonFields fields = JsonFields.of(body);
        String name = fields.requiredString("name", 200);
        String streetAddress = fields.string("streetAddress", 300).orElse(null);
        String city = fields.string("city", 120).orElse(null);
        String postalCode = fields.string("postalCode", 30).orElse(null);
        String country = fields.string("country", 2).orElse(null);
        if (country != null && (!COUNTRY.matcher(country).matches()
                || !COUNTRIES.contains(country.toUpperCase(Locale.ROOT)))) {
            fields.reject("country", "This value is not a valid country: use its two-letter ISO 3166-1 code.",
                    Violation.INVALID_FORMAT);
        }
        fields.validate();
        Accounts.Organization org = accounts.createOrganization(name.trim(), streetAddress, city, postalCode,
                country == null ? null : country.toUpperCase(Locale.ROOT));
        return representations.created(request, ORGANIZATION, org.id(), OrganizationView.of(org));
    }

    @GetMapping
    ResponseEntity<Object> organizations(@RequestParam MultiValueMap<String, String> parameters,
            HttpServletRequest request) {
        CollectionQuery query = new CollectionQuery(parameters);
        int page = query.page();
        int size = query.itemsPerPage();
        long offset = (long) (page - 1) * size;
        Page<OrganizationView> result = new Page<>(
                accounts.organizations(size, offset).stream().map(OrganizationView::of).toList(),
                accounts.countOrganizations(), page, size);
        return representations.collection(request, ORGANIZATION, result, OrganizationView::uuid);
    }

    @GetMapping("/{uuid}")
    ResponseEntity<Object> organization(@PathVariable UUID uuid, HttpServletRequest request) {
        return representations.item(request, ORGANIZATION, uuid, OrganizationView.of(organizationOrNotFound(uuid)));
    }

    // ---- clinicians

    @PostMapping("/{uuid}/users")
    ResponseEntity<Object> createUser(@PathVariable UUID uuid, @RequestBody JsonNode body,
            HttpServletRequest request) {
        Accounts.Organization org = organizationOrNotFound(uuid);
        JsonFields fields = JsonFields.of(body);
        String email = fields.requiredString("email", 320);
        if (email != null && !EmailAddresses.isValid(email.trim())) {
            fields.reject("email", "This value is not a valid email address.", Violation.INVALID_FORMAT);
        }
        String password = fields.requiredString("password", 1000);
        if (password != null && password.length() < MIN_PASSWORD_LENGTH) {
            fields.reject("password", "This value is too short. It should have " + MIN_PASSWORD_LENGTH
                    + " characters or more.", Violation.TOO_SHORT);
        } else if (password != null && password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            fields.reject("password", "This value is too long. It should have " + MAX_PASSWORD_BYTES
                    + " bytes or less.", Violation.TOO_LONG);
        }
        String firstName = fields.requiredString("firstName", 120);
        String lastName = fields.requiredString("lastName", 120);
        fields.validate();
        if (accounts.userByEmail(email).isPresent()) {
            throw duplicateEmail();
        }
        Accounts.User user;
        try {
            user = accounts.createUser(org.id(), email, passwords.encode(password), firstName, lastName);
        } catch (DuplicateKeyException raced) {
            throw duplicateEmail();
        }
        return representations.created(request, users(org.id()), user.id(), UserView.of(user));
    }

    @GetMapping("/{uuid}/users")
    ResponseEntity<Object> users(@PathVariable UUID uuid, @RequestParam MultiValueMap<String, String> parameters,
            HttpServletRequest request) {
        organizationOrNotFound(uuid);
        CollectionQuery query = new CollectionQuery(parameters);
        int page = query.page();
        int size = query.itemsPerPage();
        long offset = (long) (page - 1) * size;
        Page<UserView> result = new Page<>(accounts.users(uuid, size, offset).stream().map(UserView::of).toList(),
                accounts.countUsers(uuid), page, size);
        return representations.collection(request, users(uuid), result, UserView::uuid);
    }

    // ---- OAuth 2 clients

    @PostMapping("/{uuid}/clients")
    ResponseEntity<Object> createClient(@PathVariable UUID uuid, @RequestBody JsonNode body,
            HttpServletRequest request) {
        Accounts.Organization org = organizationOrNotFound(uuid);
        Clients.Registration registration = registration(JsonFields.of(body), production);
        Clients.Created created = clients.create(org.id(), registration);
        Clients.Summary stored = clients.find(org.id(), created.clientId()).orElseThrow();
        CreatedClientView view = new CreatedClientView(created.clientId(), created.clientSecret(), stored.name(),
                stored.grantTypes(), stored.scopes(), stored.redirectUris(), stored.publicClient(), org.id(),
                Dates.format(stored.createdAt()));
        return representations.created(request, clients(org.id()), created.clientId(), view);
    }

    @GetMapping("/{uuid}/clients")
    ResponseEntity<Object> clients(@PathVariable UUID uuid, @RequestParam MultiValueMap<String, String> parameters,
            HttpServletRequest request) {
        organizationOrNotFound(uuid);
        CollectionQuery query = new CollectionQuery(parameters);
        int page = query.page();
        int size = query.itemsPerPage();
        long offset = (long) (page - 1) * size;
        Page<ClientView> result = new Page<>(clients.list(uuid, size, offset).stream().map(ClientView::of).toList(),
                clients.count(uuid), page, size);
        return representations.collection(request, clients(uuid), result, ClientView::clientId);
    }

    @DeleteMapping("/{uuid}/clients/{clientId}")
    ResponseEntity<Void> revokeClient(@PathVariable UUID uuid, @PathVariable String clientId, Viewer viewer) {
        organizationOrNotFound(uuid);
        try {
            if (!clients.revoke(uuid, clientId)) {
                throw ApiException.notFound("Client");
            }
        } catch (Clients.LastAdminClient last) {
            // Without an admin client no one could use this API until bootstrap-admin is run on the server again.
            throw ApiException.conflict((clientId.equals(viewer.clientId())
                    ? "This client is the one this request's token belongs to, and the only client with the admin "
                    : "This client is the only one left with the admin ")
                    + "scope: deleting it would leave no client able to use the admin API. Create another admin "
                    + "client first (POST /admin/organizations/{uuid}/clients with grantTypes [client_credentials] "
                    + "and scopes [admin]), then delete this one with that client's token.");
        }
        return ResponseEntity.noContent().build();
    }

    /**
     * A new secret for a confidential client, shown once in this answer, as the webhooks' rotate-secret does; the old
     * one is refused at once, and the tokens the client holds are revoked (see {@link Clients#rotateSecret}).
     */
    @PostMapping("/{uuid}/clients/{clientId}/rotate-secret")
    ResponseEntity<Object> rotateClientSecret(@PathVariable UUID uuid, @PathVariable String clientId,
            HttpServletRequest request) {
        Accounts.Organization org = organizationOrNotFound(uuid);
        Clients.Summary client = clients.find(org.id(), clientId).orElseThrow(() -> ApiException.notFound("Client"));
        if (client.publicClient()) {
            throw ApiException.conflict("This client is public: it has no secret to rotate (it proves itself with "
                    + "PKCE, or by a clinician's approval of its device code). To replace it, create a new client "
                    + "and delete this one.");
        }
        String secret = clients.rotateSecret(org.id(), clientId).orElseThrow(() -> ApiException.notFound("Client"));
        CreatedClientView view = new CreatedClientView(client.clientId(), secret, client.name(), client.grantTypes(),
                client.scopes(), client.redirectUris(), false, org.id(), Dates.format(client.createdAt()));
        return representations.item(request, clients(org.id()), clientId, view);
    }

    /** Reads and checks a client registration, collecting every violation. */
    /**
     * @param production whether redirect URIs must be https, but for a native app's loopback address (RFC 9700,
     *                   2.1; RFC 8252, 7.3): a code sent over plain http to another host can be read on the way
     */
    static Clients.Registration registration(JsonFields fields, boolean production) {
        String name = fields.requiredString("name", 200);
        boolean publicClient = fields.bool("public").orElse(false);
        List<String> sentGrantTypes = fields.strings("grantTypes");
        List<String> sentScopes = fields.strings("scopes");
        List<String> sentRedirectUris = fields.strings("redirectUris");
        List<String> grantTypes = distinct(sentGrantTypes);
        List<String> scopes = distinct(sentScopes);
        List<String> redirectUris = distinct(sentRedirectUris);

        if (grantTypes.isEmpty() && !fields.rejected("grantTypes")) {
            fields.reject("grantTypes", "This value should not be blank. Allowed: "
                    + String.join(", ", Clients.GRANT_TYPES) + ".", Violation.NOT_BLANK);
        } else if (!Clients.GRANT_TYPES.containsAll(grantTypes)) {
            rejectUnknown(fields, "grantTypes", sentGrantTypes, Clients.GRANT_TYPES);
        } else {
            if (publicClient && grantTypes.contains("client_credentials")) {
                fields.reject("grantTypes", "A public client has no secret, so it cannot use client_credentials.",
                        Violation.INVALID_CHOICE);
            }
            if (grantTypes.contains("refresh_token") && !grantTypes.contains("authorization_code")
                    && !grantTypes.contains(DEVICE_CODE)) {
                fields.reject("grantTypes", "refresh_token needs authorization_code or " + DEVICE_CODE + ".",
                        Violation.INVALID_CHOICE);
            }
        }

        if (scopes.isEmpty() && !fields.rejected("scopes")) {
            fields.reject("scopes", "This value should not be blank. Allowed: " + String.join(", ", Scopes.ALL) + ".",
                    Violation.NOT_BLANK);
        } else if (!Scopes.ALL.containsAll(scopes)) {
            rejectUnknown(fields, "scopes", sentScopes, Scopes.ALL);
        } else if (scopes.contains(Scopes.ADMIN) && (publicClient || !grantTypes.equals(List.of("client_credentials")))) {
            // A clinician must never be able to grant operator rights through a login.
            fields.reject("scopes", "The admin scope is for an operator's confidential client whose only grant "
                    + "type is client_credentials.", Violation.INVALID_CHOICE);
        }

        if (grantTypes.contains("authorization_code") && redirectUris.isEmpty()) {
            fields.reject("redirectUris", "This value should not be blank: authorization_code needs at least one "
                    + "redirect URI.", Violation.NOT_BLANK);
        }
        for (int i = 0; i < sentRedirectUris.size(); i++) {
            String uri = sentRedirectUris.get(i).trim();
            if (!isRedirectUri(uri)) {
                fields.reject("redirectUris[" + i + "]", "This value is not a valid redirect URI: an absolute http "
                        + "or https URI without credentials, a fragment or a comma, on a port from 1 to 65535, its "
                        + "characters ASCII and %-encoded where RFC 3986 wants them so.", Violation.INVALID_FORMAT);
            } else if (production && !secureOrLoopback(uri)) {
                fields.reject("redirectUris[" + i + "]", "This value should be an https URI: production mode takes "
                        + "http only for a native app's loopback address (127.0.0.1, [::1] or localhost), since a "
                        + "code sent over plain http to another host can be read on the way.",
                        Violation.INVALID_FORMAT);
            }
        }
        if (String.join(",", redirectUris).length() > 1000) {
            fields.reject("redirectUris", "These values are too long together: 1000 characters at most.",
                    Violation.TOO_LONG);
        }
        fields.validate();
        return new Clients.Registration(name.trim(), grantTypes, scopes, redirectUris, publicClient);
    }

    /** Names each value not in {@code allowed} by its index in the list as sent, as API Platform does. */
    private static void rejectUnknown(JsonFields fields, String name, List<String> sent, Collection<String> allowed) {
        for (int i = 0; i < sent.size(); i++) {
            if (!allowed.contains(sent.get(i).trim())) {
                fields.reject(name + "[" + i + "]", "The value you selected is not a valid choice. Allowed: "
                        + String.join(", ", allowed) + ".", Violation.INVALID_CHOICE);
            }
        }
    }

    private static boolean isRedirectUri(String value) {
        if (value.contains(",") || value.length() > 1000) {
            return false; // stored comma-separated
        }
        if (!value.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            return false; // a URI is ASCII (RFC 3986): Spring's redirect to a raw 'é' failed, a 500
        }
        try {
            // As Spring's authorization endpoint reads it when it redirects: every component already encoded.
            UriComponentsBuilder.fromUriString(value).build(true);
            URI uri = new URI(value);
            return uri.isAbsolute() && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null && uri.getRawFragment() == null && uri.getRawUserInfo() == null
                    && uri.getPort() != 0 && uri.getPort() <= 65535;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean secureOrLoopback(String value) {
        URI uri = URI.create(value);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return "https".equals(uri.getScheme()) || host.equals("127.0.0.1") || host.equals("[::1]")
                || host.equals("localhost");
    }

    private static List<String> distinct(List<String> values) {
        Set<String> set = new LinkedHashSet<>();
        values.stream().map(String::trim).forEach(set::add);
        return new ArrayList<>(set);
    }

    private Accounts.Organization organizationOrNotFound(UUID uuid) {
        return accounts.organization(uuid).orElseThrow(() -> ApiException.notFound("Organization"));
    }

    private static ResourceType users(UUID organization) {
        return new ResourceType("User", "/admin/organizations/" + organization + "/users");
    }

    private static ResourceType clients(UUID organization) {
        return new ResourceType("Client", "/admin/organizations/" + organization + "/clients");
    }

    private static ApiException duplicateEmail() {
        return ApiException.conflict("A user with this email address already exists.");
    }
}
