package org.notesync.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2UserCode;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceCodeAuthenticationToken;

/**
 * The token endpoint's answers to device software polling with its device code (RFC 8628, 3.4 and 3.5)
 * where Spring's provider, which this wraps, answers otherwise:
 * <ul>
 * <li>a code polled again after it was exchanged for tokens is {@code invalid_grant}, what a used grant is
 * (RFC 6749); Spring answers {@code access_denied}, as for a clinician who declined, so software whose first
 * answer was lost would tell its user they refused;</li>
 * <li>a code still waiting for the clinician, polled sooner than the interval the device authorization
 * announced after its previous poll, is {@code slow_down}, which tells the software to wait 5 s longer from
 * then on; Spring has no pace. A poll that finds the code approved is never held back;</li>
 * <li>a code another client polled with, which Spring then invalidated, is {@code invalid_grant}; Spring goes on
 * answering {@code authorization_pending} until it expires.</li>
 * </ul>
 * A wrapper, since a provider before Spring's could not answer: the provider manager goes on to the next one
 * after a failure, whose failure then wins. The times of the polls are kept in this node's memory, like the
 * rate limits: behind a load balancer each node paces the polls it gets.
 */
final class DeviceCodePolls implements AuthenticationProvider {

    /** A poll this much sooner than the interval still passes: timers fire early and networks vary. */
    static final double EARLY = 0.2;

    private static final OAuth2TokenType DEVICE_CODE = new OAuth2TokenType(OAuth2ParameterNames.DEVICE_CODE);
    private static final int SWEEP_EVERY = 1_000;

    private final AuthenticationProvider spring;
    private final OAuth2AuthorizationService authorizations;
    private final Clock clock;
    private final Duration shortestGap;
    /** The last poll of each waiting device code, by the code's SHA-256: the codes themselves are secrets. */
    private final ConcurrentMap<String, Instant> lastPolls = new ConcurrentHashMap<>();
    private final AtomicLong polls = new AtomicLong();

    DeviceCodePolls(AuthenticationProvider spring, OAuth2AuthorizationService authorizations, Clock clock,
            Duration interval) {
        this.spring = spring;
        this.authorizations = authorizations;
        this.clock = clock;
        this.shortestGap = Duration.ofMillis(Math.round(interval.toMillis() * (1 - EARLY)));
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        OAuth2DeviceCodeAuthenticationToken request = (OAuth2DeviceCodeAuthenticationToken) authentication;
        OAuth2Authorization authorization = authorizations.findByToken(request.getDeviceCode(), DEVICE_CODE);
        if (authorization != null && request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
                && client.getRegisteredClient() != null
                && client.getRegisteredClient().getId().equals(authorization.getRegisteredClientId())) {
            if (authorization.getAccessToken() != null) {
                throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                        "This device code was already exchanged for tokens.", null));
            }
            if (usedByAnotherClient(authorization)) {
                throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                        "This device code is no longer valid: another client used it. Request a new one.", null));
            }
            if (waiting(authorization) && tooSoon(request.getDeviceCode())) {
                throw new OAuth2AuthenticationException(new OAuth2Error("slow_down",
                        "Polled sooner than the interval: wait 5 seconds longer between polls from now on.",
                        "https://datatracker.ietf.org/doc/html/rfc8628#section-3.5"));
            }
        }
        return spring.authenticate(authentication);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return spring.supports(authentication);
    }

    int tracked() {
        return lastPolls.size();
    }

    /** What Spring answers {@code authorization_pending}: neither approved, declined nor expired yet. */
    private static boolean waiting(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2UserCode> userCode = authorization.getToken(OAuth2UserCode.class);
        OAuth2Authorization.Token<OAuth2DeviceCode> deviceCode = authorization.getToken(OAuth2DeviceCode.class);
        return userCode != null && !userCode.isInvalidated()
                && deviceCode != null && !deviceCode.isInvalidated() && !deviceCode.isExpired();
    }

    /**
     * A device code Spring invalidated while its user code still waits: another client polled with it. Spring
     * goes on answering {@code authorization_pending} until it expires, and the activation page refuses its user
     * code (DeviceOrganizations), so the software would wait for nothing. Not an expired one, which Spring
     * invalidates as it answers {@code expired_token}, and answers so again.
     */
    private static boolean usedByAnotherClient(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2UserCode> userCode = authorization.getToken(OAuth2UserCode.class);
        OAuth2Authorization.Token<OAuth2DeviceCode> deviceCode = authorization.getToken(OAuth2DeviceCode.class);
        return userCode != null && !userCode.isInvalidated() && deviceCode != null && deviceCode.isInvalidated()
                && !deviceCode.isExpired();
    }

    /** Records this poll; true when the code's previous one was less than the shortest gap ago. */
    private boolean tooSoon(String deviceCode) {
        Instant now = clock.instant();
        if (polls.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(now);
        }
        Instant previous = lastPolls.put(TokenHashes.of(deviceCode), now);
        return previous != null && Duration.between(previous, now).compareTo(shortestGap) < 0;
    }

    /** A code not polled for an hour has expired (device codes live minutes): forget it to bound memory. */
    void sweep(Instant now) {
        Instant cutoff = now.minus(Duration.ofHours(1));
        lastPolls.values().removeIf(last -> last.isBefore(cutoff));
    }
}
