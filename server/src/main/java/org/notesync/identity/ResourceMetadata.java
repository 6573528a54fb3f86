package org.notesync.identity;

import java.util.List;
import java.util.function.Consumer;

import org.springframework.security.oauth2.server.resource.OAuth2ProtectedResourceMetadata;
import org.springframework.security.oauth2.server.resource.OAuth2ProtectedResourceMetadataClaimNames;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The API's protected resource metadata (RFC 9728), which every 401's {@code WWW-Authenticate} points to.
 * Spring's default names no authorization server, so a client cannot find where to get a token, and says
 * tokens are bound to TLS client certificates, which they are not (clients authenticate with a secret or
 * PKCE). Here: this server's issuer as the authorization server (the configured one, or this very origin and
 * context path, as the issuer is then derived: not the resource, which for the metadata of a path, as
 * {@code /.well-known/oauth-protected-resource/notes}, is that path), the scopes, and no certificate binding.
 */
final class ResourceMetadata implements Consumer<OAuth2ProtectedResourceMetadata.Builder> {

    private final String issuer;

    ResourceMetadata(String issuer) {
        this.issuer = issuer == null || issuer.isBlank() ? null : issuer;
    }

    @Override
    public void accept(OAuth2ProtectedResourceMetadata.Builder metadata) {
        metadata.claims(claims -> {
            claims.remove(OAuth2ProtectedResourceMetadataClaimNames.TLS_CLIENT_CERTIFICATE_BOUND_ACCESS_TOKENS);
            claims.put(OAuth2ProtectedResourceMetadataClaimNames.AUTHORIZATION_SERVERS, List.of(issuer != null ? issuer
                    : ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString()));
            claims.put(OAuth2ProtectedResourceMetadataClaimNames.SCOPES_SUPPORTED, Scopes.ALL);
        });
    }
}
