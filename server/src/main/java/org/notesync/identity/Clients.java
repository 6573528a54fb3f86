package org.notesync.identity;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

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

    public static final List<String> GRANT_TYPES = List.of("client_credentials", "authorization_code",
            "refresh_token", "urn:ietf:params:oauth:grant-type:device_code");

    private final RegisteredClientRepository repository;
    private final Accounts accounts;
    private final PasswordEncoder passwords;
    private final SecureRandom random = new SecureRandom();

    Clients(RegisteredClientRepository repository, Accounts accounts, PasswordEncoder passwords) {
        this.repository = repository;
        this.accounts = accounts;
        this.passwords = passwords;
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
                .clientName(registration.name())
                .clientSettings(ClientSettings.builder()
                        .requireProofKey(registration.publicClient() || registration.grantTypes().contains("authorization_code"))
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

    private String token(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
