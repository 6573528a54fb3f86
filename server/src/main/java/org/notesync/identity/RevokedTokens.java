package org.notesync.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenRevocationAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.stereotype.Component;

/**
 * Refuses revoked access tokens before they expire. Access tokens are JWTs checked by their signature alone, so
 * one revoked at {@code POST /oauth2/revoke} (RFC 7009), or whose refresh token was (Spring then invalidates the
 * access token with it), kept working for up to an hour. A revocation lists the token, by its SHA-256, until it
 * expires; each node reads the list again every {@link #RECHECK}, so a revocation reaches every node within that
 * time, and the node that revoked at once, as {@link ActiveClients} does for a deleted client.
 */
@Component
class RevokedTokens implements OAuth2TokenValidator<Jwt> {

    static final String REVOKED = "This access token has been revoked.";
    static final Duration RECHECK = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final Clock clock;
    private volatile Set<String> revoked = Set.of();
    private volatile Instant readUntil = Instant.MIN;

    RevokedTokens(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt token) {
        Set<String> current = current();
        if (!current.isEmpty() && current.contains(sha256(token.getTokenValue()))) {
            return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, REVOKED, null));
        }
        return OAuth2TokenValidatorResult.success();
    }

    /** The revocation endpoint's answer (200, RFC 7009), once the token's access token is listed if revoked. */
    AuthenticationSuccessHandler revocationResponse(OAuth2AuthorizationService authorizations) {
        return (HttpServletRequest request, HttpServletResponse response, Authentication authentication) -> {
            String value = ((OAuth2TokenRevocationAuthenticationToken) authentication).getToken();
            OAuth2Authorization authorization = authorizations.findByToken(value, null);
            OAuth2Authorization.Token<OAuth2AccessToken> access =
                    authorization == null ? null : authorization.getAccessToken();
            if (access != null && access.isInvalidated() && access.getToken().getExpiresAt() != null) {
                revoke(access.getToken().getTokenValue(), access.getToken().getExpiresAt());
            }
            response.setStatus(HttpStatus.OK.value());
        };
    }

    void revoke(String accessToken, Instant expiresAt) {
        String hash = sha256(accessToken);
        try {
            jdbc.sql("INSERT INTO revoked_access_tokens (token_hash, expires_at) VALUES (?, ?)")
                    .params(hash, expiresAt.atOffset(ZoneOffset.UTC)).update();
        } catch (DuplicateKeyException e) {
            // revoked twice
        }
        Set<String> with = ConcurrentHashMap.newKeySet();
        with.addAll(revoked);
        with.add(hash);
        revoked = with;
    }

    private Set<String> current() {
        Instant now = clock.instant();
        if (now.isBefore(readUntil)) {
            return revoked;
        }
        synchronized (this) {
            if (now.isBefore(readUntil)) {
                return revoked;
            }
            jdbc.sql("DELETE FROM revoked_access_tokens WHERE expires_at < ?").param(now.atOffset(ZoneOffset.UTC))
                    .update();
            Set<String> read = ConcurrentHashMap.newKeySet();
            read.addAll(jdbc.sql("SELECT token_hash FROM revoked_access_tokens").query(String.class).list());
            revoked = read;
            readUntil = now.plus(RECHECK);
            return read;
        }
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
