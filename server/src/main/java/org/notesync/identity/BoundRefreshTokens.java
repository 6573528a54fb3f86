package org.notesync.identity;

import java.util.Map;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationToken;
import org.springframework.util.StringUtils;

/**
 * A public client's refresh token is bound to the DPoP key its tokens were bound to (RFC 9449, 5): its refresh
 * needs a proof signed with that key. Spring's refresh provider, which this wraps, checks the key only of a proof
 * that is sent: a refresh without one was answered with a plain bearer token, so a copied refresh token of
 * desktop software worked without its key and the grant was no longer bound (found by a black-box round). A
 * confidential client's refresh tokens are bound by its secret instead, as the RFC has it.
 */
final class BoundRefreshTokens implements AuthenticationProvider {

    /** Where Spring's token endpoint puts the request's {@code DPoP} header among the grant's parameters. */
    static final String DPOP_PROOF = "dpop_proof";
    static final String INVALID_DPOP_PROOF = "invalid_dpop_proof";

    private final AuthenticationProvider spring;
    private final OAuth2AuthorizationService authorizations;

    BoundRefreshTokens(AuthenticationProvider spring, OAuth2AuthorizationService authorizations) {
        this.spring = spring;
        this.authorizations = authorizations;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        if (authentication instanceof OAuth2RefreshTokenAuthenticationToken refresh
                && refresh.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
                && ClientAuthenticationMethod.NONE.equals(client.getClientAuthenticationMethod())
                && !(refresh.getAdditionalParameters().get(DPOP_PROOF) instanceof String proof
                        && StringUtils.hasText(proof))
                && boundToKey(authorizations.findByToken(refresh.getRefreshToken(), OAuth2TokenType.REFRESH_TOKEN))) {
            throw new OAuth2AuthenticationException(new OAuth2Error(INVALID_DPOP_PROOF, "This refresh token is "
                    + "bound to the DPoP key of the grant's tokens: send a DPoP proof signed with it (RFC 9449, 5).",
                    null));
        }
        return spring.authenticate(authentication);
    }

    /** Whether the grant's tokens carry the thumbprint of a DPoP key ({@code cnf.jkt}). */
    private static boolean boundToKey(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AccessToken> access = authorization == null ? null
                : authorization.getAccessToken();
        Object confirmation = access == null || access.getClaims() == null ? null : access.getClaims().get("cnf");
        return confirmation instanceof Map<?, ?> cnf && cnf.get("jkt") != null;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return spring.supports(authentication);
    }
}
