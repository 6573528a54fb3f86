package org.notesync.identity;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Creates OAuth 2 clients bound to an organization. The secret is returned once, to the caller, and
 * stored only as a hash.
 */
@Service
public class Clients {

    public static final Duration ACCESS_TOKEN_TTL = Duration.ofHours(1);
    public static final Duration REFRESH_TOKEN_TTL = Duration.ofDays(30);

    /** What a new client may do. A public client (desktop software) has no secret and must use PKCE. */
    public record Registration(String name, List<String> grantTypes, List<String> scopes, List<String> redirectUris,
            boolean publicClient) {
    }

    /** A created client; {@code clientSecret} is null for a public client and is never shown again. */
    public record Created(String id, String clientId, String clientSecret, String name, List<String> grantTypes,
            List<String> scopes, List<String> redirectUris, UUID organizationId) {
    }

    /** A client as listed to the operator: everything but its secret, which is not kept. */
    public record Summary(String clientId, String name, List<String> grantTypes, List<String> scopes,
            List<String> redirectUris, boolean publicClient, UUID organizationId, Instant createdAt) {
    }

    public static final List<String> GRANT_TYPES = List.of("client_credentials", "authorization_code",
            "refresh_token", "urn:ietf:params:oauth:grant-type:device_code");

    private final RegisteredClientRepository repository;
    private final Accounts accounts;
    private final PasswordEncoder passwords;
    private final JdbcClient jdbc;
    private final ActiveClients activeClients;
    private final RevokedTokens revokedTokens;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    Clients(RegisteredClientRepository repository, Accounts accounts, PasswordEncoder passwords, JdbcClient jdbc,
            ActiveClients activeClients, RevokedTokens revokedTokens, Clock clock) {
        this.repository = repository;
        this.accounts = accounts;
        this.passwords = passwords;
        this.jdbc = jdbc;
        this.activeClients = activeClients;
        this.revokedTokens = revokedTokens;
        this.clock = clock;
    }

    @Transactional
    public Created create(UUID organizationId, Registration registration) {
        return create(organizationId, registration, "nsc_" + token(12), registration.publicClient() ? null : "nss_" + token(32));
    }

    /** For dev mode's demo clients, whose id and secret are set in configuration. */
    @Transactional
    public Created create(UUID organizationId, Registration registration, String clientId, String secret) {
        RegisteredClient.Builder builder = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(clientId)
                .clientIdIssuedAt(clock.instant())
                .clientName(registration.name())
                // PKCE is a public client's only proof, so it is required of it. A confidential client proves
                // itself with its secret at the exchange, and the guide's authorization code flow sends no
                // code_challenge: it may use PKCE (a code requested with a challenge then needs its verifier).
                .clientSettings(ClientSettings.builder()
                        .requireProofKey(registration.publicClient())
                        .requireAuthorizationConsent(true)
                        .build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenTimeToLive(ACCESS_TOKEN_TTL)
                        .refreshTokenTimeToLive(REFRESH_TOKEN_TTL)
                        .reuseRefreshTokens(false)
                        .deviceCodeTimeToLive(Duration.ofMinutes(10))
                        .authorizationCodeTimeToLive(Duration.ofMinutes(5))
                        .build());
        if (registration.publicClient()) {
            builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
        } else {
            builder.clientSecret(passwords.encode(secret))
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
        }
        registration.grantTypes().forEach(g -> builder.authorizationGrantType(new AuthorizationGrantType(g)));
        registration.scopes().forEach(builder::scope);
        registration.redirectUris().forEach(builder::redirectUri);
        RegisteredClient client = builder.build();
        repository.save(client);
        accounts.bindClient(client.getId(), organizationId);
        return new Created(client.getId(), clientId, secret, registration.name(), registration.grantTypes(),
                registration.scopes(), registration.redirectUris(), organizationId);
    }

    /** One page of an organization's clients, oldest first. */
    public List<Summary> list(UUID organizationId, long limit, long offset) {
        return jdbc.sql(SELECT_SUMMARY + " WHERE o.organization_id = ? ORDER BY c.client_id_issued_at, c.client_id "
                        + "LIMIT ? OFFSET ?")
                .params(organizationId, limit, offset).query(Clients::summary).list();
    }

    public long count(UUID organizationId) {
        return jdbc.sql("SELECT COUNT(*) FROM client_organizations WHERE organization_id = ?")
                .param(organizationId).query(Long.class).single();
    }

    public Optional<Summary> find(UUID organizationId, String clientId) {
        return jdbc.sql(SELECT_SUMMARY + " WHERE o.organization_id = ? AND c.client_id = ?")
                .params(organizationId, clientId).query(Clients::summary).optional();
    }

    /** Why the last client with the admin scope is not deleted: no one could use the admin API afterwards. */
    public static final class LastAdminClient extends RuntimeException {
        LastAdminClient() {
            super("the last client with the admin scope");
        }
    }

    /**
     * Deletes an organization's client with its grants and consents: it gets no new token, its refresh
     * tokens are dead, and its access tokens are refused (see {@link ActiveClients}). False when the
     * organization has no such client.
     *
     * @throws LastAdminClient when it is the only client left with the admin scope
     */
    @Transactional
    public boolean revoke(UUID organizationId, String clientId) {
        Optional<String> id = idOf(organizationId, clientId, false);
        if (id.isEmpty()) {
            return false;
        }
        if (lastWithAdminScope(id.get())) {
            throw new LastAdminClient();
        }
        for (String table : List.of("oauth2_authorization", "oauth2_authorization_consent", "client_organizations")) {
            jdbc.sql("DELETE FROM " + table + " WHERE registered_client_id = ?").param(id.get()).update();
        }
        jdbc.sql("DELETE FROM oauth2_registered_client WHERE id = ?").param(id.get()).update();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    activeClients.forget(clientId);
                }
            });
        } else {
            activeClients.forget(clientId);
        }
        return true;
    }

    /**
     * Gives an organization's confidential client a new secret, returned here only and stored as a hash: the old
     * one is refused from the commit on, on every node (each token request reads the client). A leaked secret may
     * have got tokens, so every token the client holds goes as with {@link #revoke}: its access tokens are listed
     * in {@link RevokedTokens} (each one, and each clinician grant's, so also the ones refreshed away) and its
     * grants deleted (refresh tokens, codes and device codes in flight); the clinicians' consents are kept. Empty
     * when the organization has no such confidential client.
     */
    @Transactional
    public Optional<String> rotateSecret(UUID organizationId, String clientId) {
        Optional<String> id = idOf(organizationId, clientId, true);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        String secret = "nss_" + token(32);
        jdbc.sql("UPDATE oauth2_registered_client SET client_secret = ?, client_secret_expires_at = NULL WHERE id = ?")
                .params(passwords.encode(secret), id.get()).update();
        Instant now = clock.instant();
        jdbc.sql("""
                        SELECT id, authorization_grant_type, access_token_value, access_token_expires_at
                        FROM oauth2_authorization WHERE registered_client_id = ? AND access_token_value IS NOT NULL""")
                .param(id.get()).query((rs, row) -> {
                    Instant expiresAt = rs.getObject("access_token_expires_at", OffsetDateTime.class).toInstant();
                    if (expiresAt.isAfter(now.minus(RevokedTokens.SKEW))) {
                        revokedTokens.list(TokenHashes.of(rs.getString("access_token_value")), expiresAt);
                        if (!AuthorizationGrantType.CLIENT_CREDENTIALS.getValue()
                                .equals(rs.getString("authorization_grant_type"))) {
                            // Its current access token expires last: the ones refreshed away before it go with it.
                            revokedTokens.listGrant(rs.getString("id"), expiresAt);
                        }
                    }
                    return null;
                }).list();
        jdbc.sql("DELETE FROM oauth2_authorization WHERE registered_client_id = ?").param(id.get()).update();
        return Optional.of(secret);
    }

    /** The registered client's id, when the organization has a client with this client_id (confidential only). */
    private Optional<String> idOf(UUID organizationId, String clientId, boolean confidential) {
        return jdbc.sql("""
                        SELECT c.id, c.client_authentication_methods FROM oauth2_registered_client c
                        JOIN client_organizations o ON o.registered_client_id = c.id
                        WHERE o.organization_id = ? AND c.client_id = ?""")
                .params(organizationId, clientId)
                .query((rs, row) -> List.of(rs.getString("id"), rs.getString("client_authentication_methods")))
                .optional()
                .filter(c -> !confidential || !commaSeparated(c.get(1)).contains(ClientAuthenticationMethod.NONE.getValue()))
                .map(c -> c.get(0));
    }

    /**
     * Whether this client has the admin scope and no other client has it. The admin clients are locked to the
     * commit, so that two deleting at once (each its own, or each the other) cannot both go.
     */
    private boolean lastWithAdminScope(String id) {
        List<String> admins = jdbc.sql("SELECT id, scopes FROM oauth2_registered_client WHERE scopes LIKE ? FOR UPDATE")
                .param("%" + Scopes.ADMIN + "%")
                .query((rs, row) -> List.of(rs.getString("id"), rs.getString("scopes"))).list().stream()
                .filter(c -> commaSeparated(c.get(1)).contains(Scopes.ADMIN)).map(c -> c.get(0)).toList();
        return admins.contains(id) && admins.size() == 1;
    }

    private static final String SELECT_SUMMARY = """
            SELECT c.client_id, c.client_name, c.authorization_grant_types, c.scopes, c.redirect_uris,
                   c.client_authentication_methods, c.client_id_issued_at, o.organization_id
            FROM oauth2_registered_client c JOIN client_organizations o ON o.registered_client_id = c.id""";

    private static Summary summary(ResultSet rs, int row) throws SQLException {
        return new Summary(rs.getString("client_id"), rs.getString("client_name"),
                commaSeparated(rs.getString("authorization_grant_types")), commaSeparated(rs.getString("scopes")),
                commaSeparated(rs.getString("redirect_uris")),
                commaSeparated(rs.getString("client_authentication_methods"))
                        .contains(ClientAuthenticationMethod.NONE.getValue()),
                rs.getObject("organization_id", UUID.class),
                rs.getObject("client_id_issued_at", OffsetDateTime.class).toInstant());
    }

    private static List<String> commaSeparated(String value) {
        return value == null || value.isBlank() ? List.of()
                : Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).sorted().toList();
    }

    private String token(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
