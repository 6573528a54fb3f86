package org.notesync.identity;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceCodeAuthenticationToken;

/**
 * A device code polled again after it was exchanged for tokens. Spring's provider answers it
 * {@code access_denied}, as for a clinician who declined, so software whose first answer was lost would tell
 * its user they refused; RFC 6749's {@code invalid_grant} is what a used grant is. Wraps Spring's provider
 * (a provider before it could not answer: the provider manager goes on to the next one after a failure,
 * whose failure then wins) and leaves every other case to it.
 */
final class RedeemedDeviceCodes implements AuthenticationProvider {

    private static final OAuth2TokenType DEVICE_CODE = new OAuth2TokenType(OAuth2ParameterNames.DEVICE_CODE);

    private final AuthenticationProvider spring;
    private final OAuth2AuthorizationService authorizations;

    RedeemedDeviceCodes(AuthenticationProvider spring, OAuth2AuthorizationService authorizations) {
        this.spring = spring;
        this.authorizations = authorizations;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        OAuth2DeviceCodeAuthenticationToken request = (OAuth2DeviceCodeAuthenticationToken) authentication;
        OAuth2Authorization authorization = authorizations.findByToken(request.getDeviceCode(), DEVICE_CODE);
        if (authorization != null && authorization.getAccessToken() != null
                && request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
                && client.getRegisteredClient() != null
                && client.getRegisteredClient().getId().equals(authorization.getRegisteredClientId())) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                    "This device code was already exchanged for tokens.", null));
        }
        return spring.authenticate(authentication);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return spring.supports(authentication);
    }
}
