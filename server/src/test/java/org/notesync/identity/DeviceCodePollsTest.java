package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.notesync.support.SettableClock;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2UserCode;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceCodeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

class DeviceCodePollsTest {

    private final SettableClock clock = new SettableClock().freeze();
    private final InMemoryOAuth2AuthorizationService authorizations = new InMemoryOAuth2AuthorizationService();
    private final AtomicInteger reachedSpring = new AtomicInteger();
    private final AuthenticationProvider spring = new AuthenticationProvider() {
        @Override
        public Authentication authenticate(Authentication authentication) {
            reachedSpring.incrementAndGet();
            throw new OAuth2AuthenticationException(new OAuth2Error("authorization_pending"));
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return OAuth2DeviceCodeAuthenticationToken.class.isAssignableFrom(authentication);
        }
    };
    private final DeviceCodePolls polls = new DeviceCodePolls(spring, authorizations, clock, Duration.ofSeconds(5));
    private final RegisteredClient software = RegisteredClient.withId("client-1").clientId("desktop")
            .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
            .authorizationGrantType(AuthorizationGrantType.DEVICE_CODE).build();

    @Test
    void aWaitingCodePolledSoonerThanTheIntervalLessALittleIsToldToSlowDown() {
        waiting("device-1");
        assertThat(errorOf("device-1", software)).isEqualTo("authorization_pending");
        clock.advance(Duration.ofMillis(3_999)); // 80% of the 5 s interval is the shortest gap
        assertThat(errorOf("device-1", software)).isEqualTo("slow_down");
        clock.advance(Duration.ofSeconds(4)); // counted from the poll told to slow down
        assertThat(errorOf("device-1", software)).isEqualTo("authorization_pending");
        assertThat(reachedSpring).hasValue(2);
    }

    @Test
    void eachCodeKeepsItsOwnPace() {
        waiting("device-1");
        waiting("device-2");
        assertThat(errorOf("device-1", software)).isEqualTo("authorization_pending");
        assertThat(errorOf("device-2", software)).isEqualTo("authorization_pending");
    }

    @Test
    void anApprovedOrUnknownCodeOrAnotherClientsPollIsNeverHeldBackNorRemembered() {
        OAuth2Authorization waiting = waiting("device-1");
        RegisteredClient other = RegisteredClient.from(software).id("client-2").clientId("other").build();
        assertThat(errorOf("device-1", other)).isEqualTo("authorization_pending");
        assertThat(errorOf("device-1", other)).isEqualTo("authorization_pending");
        assertThat(errorOf("invented", software)).isEqualTo("authorization_pending");
        assertThat(errorOf("invented", software)).isEqualTo("authorization_pending");
        assertThat(polls.tracked()).as("codes that are not this client's waiting ones take no memory").isZero();

        assertThat(errorOf("device-1", software)).isEqualTo("authorization_pending");
        authorizations.save(OAuth2Authorization.from(waiting)
                .invalidate(waiting.getToken(OAuth2UserCode.class).getToken()).build()); // the clinician approved
        assertThat(errorOf("device-1", software)).as("handed to Spring, which issues the tokens")
                .isEqualTo("authorization_pending");
        assertThat(reachedSpring).hasValue(6);
    }

    /**
     * Spring invalidates an expired device code when it answers its poll expired_token, as it does one another
     * client polled with: software polling again was told "another client used it" (invalid_grant), not that the
     * code expired. Spring answers expired_token again.
     */
    @Test
    void anExpiredCodePolledAgainIsLeftToSpringNotSaidToBeAnotherClients() {
        Instant issued = Instant.now().minus(Duration.ofMinutes(11));
        OAuth2DeviceCode expired = new OAuth2DeviceCode("device-1", issued, issued.plus(Duration.ofMinutes(10)));
        authorizations.save(OAuth2Authorization.withRegisteredClient(software).id("authorization-device-1")
                .principalName("desktop").authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
                .token(expired, metadata -> metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, true))
                .token(new OAuth2UserCode("user-device-1", issued, issued.plus(Duration.ofMinutes(10))))
                .build());
        assertThat(errorOf("device-1", software)).isEqualTo("authorization_pending"); // the stub's answer
        assertThat(reachedSpring).hasValue(1);
    }

    @Test
    void codesNotPolledForAnHourAreForgotten() {
        waiting("device-1");
        errorOf("device-1", software);
        clock.advance(Duration.ofMinutes(30));
        waiting("device-2");
        errorOf("device-2", software);
        assertThat(polls.tracked()).isEqualTo(2);

        polls.sweep(clock.instant().plus(Duration.ofMinutes(31)));
        assertThat(polls.tracked()).isEqualTo(1);
    }

    private OAuth2Authorization waiting(String deviceCode) {
        Instant now = Instant.now();
        OAuth2Authorization authorization = OAuth2Authorization.withRegisteredClient(software)
                .id("authorization-" + deviceCode).principalName("desktop")
                .authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
                .token(new OAuth2DeviceCode(deviceCode, now, now.plus(Duration.ofMinutes(10))))
                .token(new OAuth2UserCode("user-" + deviceCode, now, now.plus(Duration.ofMinutes(10))))
                .build();
        authorizations.save(authorization);
        return authorization;
    }

    private String errorOf(String deviceCode, RegisteredClient client) {
        OAuth2ClientAuthenticationToken principal = new OAuth2ClientAuthenticationToken(client,
                ClientAuthenticationMethod.NONE, null);
        OAuth2DeviceCodeAuthenticationToken poll = new OAuth2DeviceCodeAuthenticationToken(deviceCode, principal, Map.of());
        try {
            polls.authenticate(poll);
            throw new AssertionError("every poll here ends in an error");
        } catch (OAuth2AuthenticationException e) {
            return e.getError().getErrorCode();
        }
    }
}
