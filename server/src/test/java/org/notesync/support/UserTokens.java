package org.notesync.support;

import java.time.Instant;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import org.notesync.identity.Accounts;
import org.notesync.identity.Scopes;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.stereotype.Component;

/**
 * Signs a clinician's access token with the server's own key, carrying the same claims as one from the
 * authorization-code or device flow. API tests use it to act as a clinician without driving the login
 * pages each time; the flows themselves are tested end to end in {@code OAuthFlowsIT}.
 */
@Component
class UserTokens {

    private final NimbusJwtEncoder encoder;

    UserTokens(JWKSet signingKeys) {
        this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(signingKeys));
    }

    String mint(Tenants.Tenant tenant, Accounts.User user) {
        Instant now = Instant.now();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .subject(user.id().toString())
                .issuedAt(now)
                .expiresAt(now.plusSeconds(3600))
                .claim("scope", Scopes.INTEGRATION)
                .claim("org", tenant.organization().id().toString())
                .claim("uid", user.id().toString())
                .claim("client_id", tenant.client().clientId())
                .id(UUID.randomUUID().toString())
                .build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims))
                .getTokenValue();
    }
}
