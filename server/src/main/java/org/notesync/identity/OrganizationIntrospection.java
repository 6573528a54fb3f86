package org.notesync.identity;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.http.converter.OAuth2TokenIntrospectionHttpMessageConverter;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * Token introspection (RFC 7662) answers a client about its own organization's tokens only: another
 * organization's token is {@code {"active": false}}, as RFC 7662 (section 4) lets a server answer a client
 * that may not know. Spring's endpoint tells any authenticated client the organization, clinician and
 * scopes of any token.
 */
final class OrganizationIntrospection implements AuthenticationSuccessHandler {

    private final Accounts accounts;
    private final OAuth2AuthorizationService authorizations;
    private final HttpMessageConverter<OAuth2TokenIntrospection> converter =
            new OAuth2TokenIntrospectionHttpMessageConverter();

    OrganizationIntrospection(Accounts accounts, OAuth2AuthorizationService authorizations) {
        this.accounts = accounts;
        this.authorizations = authorizations;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        OAuth2TokenIntrospectionAuthenticationToken introspection =
                (OAuth2TokenIntrospectionAuthenticationToken) authentication;
        OAuth2TokenIntrospection claims = introspection.getTokenClaims();
        if (claims.isActive() && !callersOwn(introspection, claims)) {
            claims = OAuth2TokenIntrospection.builder().build();
        }
        converter.write(claims, null, new ServletServerHttpResponse(response));
    }

    /**
     * An access token names its organization; a refresh token carries no claims of its own, and only the
     * client it was issued to may use it, so that client alone hears about it. Nothing else without an
     * organization (a device code, a user code) is answered active.
     */
    private boolean callersOwn(OAuth2TokenIntrospectionAuthenticationToken introspection,
            OAuth2TokenIntrospection claims) {
        Object organization = claims.getClaims().get(TokenClaims.ORGANIZATION);
        if (organization == null) {
            return authorizations.findByToken(introspection.getToken(), OAuth2TokenType.REFRESH_TOKEN) != null
                    && introspection.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
                    && client.getRegisteredClient() != null
                    && client.getRegisteredClient().getClientId().equals(claims.getClientId());
        }
        return Objects.equals(organizationOfCaller(introspection), Optional.of(String.valueOf(organization)));
    }

    private Optional<String> organizationOfCaller(OAuth2TokenIntrospectionAuthenticationToken introspection) {
        if (!(introspection.getPrincipal() instanceof OAuth2ClientAuthenticationToken client)
                || client.getRegisteredClient() == null) {
            return Optional.of("none");
        }
        return accounts.organizationOfClient(client.getRegisteredClient().getId()).map(UUID::toString);
    }
}
