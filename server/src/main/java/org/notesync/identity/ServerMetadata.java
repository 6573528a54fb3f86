package org.notesync.identity;

import java.util.List;
import java.util.function.Consumer;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadata;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadataClaimNames;

/**
 * The authorization server's metadata (RFC 8414) says what a client here can use, not everything Spring's
 * endpoints could do: a client is registered (the admin API) with a secret or as a public client, and for the
 * four grants of identity.md. Spring's default advertised token exchange, JWT and TLS client authentication,
 * and certificate-bound tokens, which no client of this server can be registered for, and left out the public
 * clients' {@code none} and the scopes.
 */
final class ServerMetadata implements Consumer<OAuth2AuthorizationServerMetadata.Builder> {

    /** Confidential clients' ways; the token endpoint also takes public clients (PKCE, the device flow). */
    static final List<String> CLIENT_AUTHENTICATION = List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC.getValue(),
            ClientAuthenticationMethod.CLIENT_SECRET_POST.getValue());

    static final List<String> GRANTS = List.of(AuthorizationGrantType.AUTHORIZATION_CODE.getValue(),
            AuthorizationGrantType.CLIENT_CREDENTIALS.getValue(), AuthorizationGrantType.REFRESH_TOKEN.getValue(),
            AuthorizationGrantType.DEVICE_CODE.getValue());

    @Override
    public void accept(OAuth2AuthorizationServerMetadata.Builder metadata) {
        metadata.claims(claims -> {
            claims.put(OAuth2AuthorizationServerMetadataClaimNames.GRANT_TYPES_SUPPORTED, GRANTS);
            claims.put(OAuth2AuthorizationServerMetadataClaimNames.TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED,
                    java.util.stream.Stream.concat(CLIENT_AUTHENTICATION.stream(),
                            java.util.stream.Stream.of(ClientAuthenticationMethod.NONE.getValue())).toList());
            claims.put(OAuth2AuthorizationServerMetadataClaimNames.REVOCATION_ENDPOINT_AUTH_METHODS_SUPPORTED,
                    CLIENT_AUTHENTICATION);
            claims.put(OAuth2AuthorizationServerMetadataClaimNames.INTROSPECTION_ENDPOINT_AUTH_METHODS_SUPPORTED,
                    CLIENT_AUTHENTICATION);
            claims.remove(OAuth2AuthorizationServerMetadataClaimNames.TLS_CLIENT_CERTIFICATE_BOUND_ACCESS_TOKENS);
            claims.put(OAuth2AuthorizationServerMetadataClaimNames.SCOPES_SUPPORTED, Scopes.ALL);
        });
    }
}
