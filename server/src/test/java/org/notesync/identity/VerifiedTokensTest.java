package org.notesync.identity;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifiedTokensTest {

    private final AtomicInteger verifications = new AtomicInteger();
    private final AtomicBoolean revoked = new AtomicBoolean();
    private final JwtDecoder verifier = token -> {
        verifications.incrementAndGet();
        if (!token.startsWith("good")) {
            throw new BadJwtException("bad signature");
        }
        return Jwt.withTokenValue(token).header("alg", "RS256").claim("client_id", "c")
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(3600)).build();
    };
    private final OAuth2TokenValidator<Jwt> validator = jwt -> revoked.get()
            ? OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "revoked", null))
            : OAuth2TokenValidatorResult.success();
    private final VerifiedTokens tokens = new VerifiedTokens(verifier, validator);

    @Test
    void aTokenSeenBeforeIsNotVerifiedAgain() {
        Jwt first = tokens.decode("good-1");
        Jwt second = tokens.decode("good-1");

        assertThat(second).isSameAs(first);
        assertThat(verifications).hasValue(1);
        tokens.decode("good-2");
        assertThat(verifications).hasValue(2);
    }

    @Test
    void theValidatorsStillRunOnEveryUse() {
        tokens.decode("good-1");
        revoked.set(true);

        assertThatThrownBy(() -> tokens.decode("good-1")).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("revoked");
        revoked.set(false);
        tokens.decode("good-1");
        assertThat(verifications).as("forgotten once refused, so verified again").hasValue(2);
    }

    @Test
    void anInvalidTokenIsNeverRemembered() {
        assertThatThrownBy(() -> tokens.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> tokens.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThat(verifications).hasValue(2);
    }

    @Test
    void staysBounded() {
        for (int i = 0; i <= VerifiedTokens.MAX_TOKENS + 10; i++) {
            tokens.decode("good-" + i);
        }
        tokens.decode("good-0");
        assertThat(verifications).as("the map was emptied once full").hasValue(VerifiedTokens.MAX_TOKENS + 12);
    }
}
