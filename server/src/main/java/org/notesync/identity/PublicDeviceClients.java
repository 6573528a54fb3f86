package org.notesync.identity;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.StringUtils;

/**
 * Desktop practice software is a public client: it has no secret to keep. Spring's authorization
 * server authenticates public clients only for the PKCE code exchange, so this lets a client
 * registered as public (method {@code none}) identify itself by {@code client_id} alone on the device
 * authorization endpoint, when polling with its device code, when it refreshes (its refresh tokens
 * are single use and rotated, which is what OAuth 2.1 asks of public clients), and when it revokes its own
 * tokens (signing out: RFC 7009 has a public client revoke by its id).
 */
final class PublicDeviceClients {

    private PublicDeviceClients() {
    }

    /** A public client's claim to be {@code clientId}, handled only by {@link Provider}. */
    static final class ClaimedClient extends OAuth2ClientAuthenticationToken {
        private static final long serialVersionUID = 1L;
        private final AuthorizationGrantType grant;

        ClaimedClient(String clientId, AuthorizationGrantType grant) {
            super(clientId, ClientAuthenticationMethod.NONE, null, Map.of());
            this.grant = grant;
        }
    }

    static final class Converter implements AuthenticationConverter {
        private final RequestMatcher deviceAuthorization;
        private final RequestMatcher token;
        private final RequestMatcher revocation;

        Converter(AuthorizationServerSettings settings) {
            PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
            this.deviceAuthorization = paths.matcher(HttpMethod.POST, settings.getDeviceAuthorizationEndpoint());
            this.token = paths.matcher(HttpMethod.POST, settings.getTokenEndpoint());
            this.revocation = paths.matcher(HttpMethod.POST, settings.getTokenRevocationEndpoint());
        }

        @Override
        public Authentication convert(HttpServletRequest request) {
            if (request.getHeader(HttpHeaders.AUTHORIZATION) != null
                    || request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null) {
                return null; // a confidential client: the standard converters handle it
            }
            AuthorizationGrantType grant;
            if (deviceAuthorization.matches(request)) {
                grant = AuthorizationGrantType.DEVICE_CODE;
            } else if (token.matches(request)) {
                String grantType = request.getParameter(OAuth2ParameterNames.GRANT_TYPE);
                if (AuthorizationGrantType.DEVICE_CODE.getValue().equals(grantType)) {
                    grant = AuthorizationGrantType.DEVICE_CODE;
                } else if (AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(grantType)) {
                    grant = AuthorizationGrantType.REFRESH_TOKEN;
                } else {
                    return null;
                }
            } else if (revocation.matches(request)) {
                grant = null; // any public client revokes its own tokens (RFC 7009, 2.1: signing out)
            } else {
                return null;
            }
            String[] clientIds = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
            if (clientIds == null || clientIds.length != 1 || !StringUtils.hasText(clientIds[0])) {
                return null;
            }
            return new ClaimedClient(clientIds[0], grant);
        }
    }

    static final class Provider implements AuthenticationProvider {
        private final RegisteredClientRepository clients;

        Provider(RegisteredClientRepository clients) {
            this.clients = clients;
        }

        @Override
        public Authentication authenticate(Authentication authentication) {
            ClaimedClient claim = (ClaimedClient) authentication;
            RegisteredClient client = clients.findByClientId((String) claim.getPrincipal());
            if (client == null
                    || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)
                    || claim.grant != null && !client.getAuthorizationGrantTypes().contains(claim.grant)) {
                // Same answer for an unknown client and a confidential one that left out its secret.
                throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                        "Client authentication failed.", null));
            }
            return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return ClaimedClient.class.isAssignableFrom(authentication);
        }
    }
}
