package org.notesync.identity;

import java.util.UUID;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Puts the organization (and, for tokens a clinician granted, the clinician) into every access
 * token, so the API scopes each query without another lookup. A clinician can only grant tokens to
 * clients of their own organization.
 */
class TokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

    static final String ORGANIZATION = "org";
    static final String USER = "uid";
    static final String GRANT = "grant_id";

    private final Accounts accounts;

    TokenClaims(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            return;
        }
        String clientId = context.getRegisteredClient().getClientId();
        UUID organization = accounts.organizationOfClient(context.getRegisteredClient().getId())
                .orElseThrow(() -> denied("The client is not bound to an organization."));
        context.getClaims().claim(ORGANIZATION, organization.toString()).claim("client_id", clientId);
        if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
            return;
        }
        Accounts.User user = accounts.userByEmail(context.getPrincipal().getName())
                .orElseThrow(() -> denied("The user no longer exists."));
        if (!user.organizationId().equals(organization)) {
            throw denied("The user does not belong to the client's organization.");
        }
        context.getClaims().subject(user.id().toString()).claim(USER, user.id().toString());
        if (context.getAuthorization() != null) {
            // Every access token of one grant, refreshed or not, names it: revoking its refresh token ends them all.
            context.getClaims().claim(GRANT, context.getAuthorization().getId());
        }
    }

    private static OAuth2AuthenticationException denied(String why) {
        return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, why, null));
    }
}
