package org.notesync.identity;

import java.util.Optional;
import java.util.UUID;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceVerificationAuthenticationToken;

/**
 * A clinician entering the user code of another organization's practice software is told so on the activation
 * page. Spring showed the consent page and "Device activated", and the software then got {@code invalid_grant}
 * for a clinician outside its client's organization (TokenClaims), with nothing said to the clinician. Wraps
 * Spring's verification provider, before which a failure would not be the one reported. A code whose device code
 * Spring invalidated (another client polled with it) is refused there too.
 */
final class DeviceOrganizations implements AuthenticationProvider {

    /** What the activation page says; the device's code stays waiting for a clinician of its organization. */
    static final String OTHER_ORGANIZATION = "This code belongs to practice software of another organization: "
            + "it can be activated only by a clinician of that organization.";

    private static final OAuth2TokenType USER_CODE = new OAuth2TokenType(OAuth2ParameterNames.USER_CODE);

    private final AuthenticationProvider spring;
    private final OAuth2AuthorizationService authorizations;
    private final Accounts accounts;

    DeviceOrganizations(AuthenticationProvider spring, OAuth2AuthorizationService authorizations, Accounts accounts) {
        this.spring = spring;
        this.authorizations = authorizations;
        this.accounts = accounts;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        OAuth2DeviceVerificationAuthenticationToken verification =
                (OAuth2DeviceVerificationAuthenticationToken) authentication;
        OAuth2Authorization authorization = authorizations.findByToken(verification.getUserCode(), USER_CODE);
        OAuth2Authorization.Token<OAuth2DeviceCode> device = authorization == null ? null
                : authorization.getToken(OAuth2DeviceCode.class);
        if (device != null && device.isInvalidated()) {
            // Another client polled with the device code, and Spring invalidated it: the software will never get
            // tokens with it (Spring would still have shown "Device activated").
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_GRANT);
        }
        if (authorization != null && verification.getPrincipal() instanceof Authentication clinician
                && clinician.isAuthenticated()) {
            Optional<UUID> software = accounts.organizationOfClient(authorization.getRegisteredClientId());
            Optional<UUID> theirs = accounts.userByEmail(clinician.getName()).map(Accounts.User::organizationId);
            if (software.isPresent() && theirs.isPresent() && !software.get().equals(theirs.get())) {
                throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                        OTHER_ORGANIZATION, null));
            }
        }
        return spring.authenticate(authentication);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return spring.supports(authentication);
    }
}
