package org.notesync.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.notesync.logging.LoggedErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenRevocationAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Refuses revoked access tokens before they expire. Access tokens are JWTs checked by their signature alone, so
 * one revoked at {@code POST /oauth2/revoke} (RFC 7009) kept working for up to an hour. A revocation lists, until
 * they expire: an access token revoked itself (the grant's current one, or an older one of the client's), by its
 * SHA-256; and for a revoked refresh token its whole grant ({@link TokenClaims#GRANT}), so that every access
 * token it gave, before and after refreshes, goes with it. Each node reads the list again every {@link #RECHECK},
 * so a revocation reaches every node within that time, and the node that revoked at once, as {@link ActiveClients}
 * does for a deleted client.
 */
@Component
class RevokedTokens implements OAuth2TokenValidator<Jwt> {

    private static final Logger log = LoggerFactory.getLogger(RevokedTokens.class);

    static final String REVOKED = "This access token has been revoked.";
    static final Duration RECHECK = Duration.ofSeconds(30);
    /** Kept past a token's expiry as long as the token's check lets its clock run behind (60 s), and more. */
    static final Duration SKEW = Duration.ofMinutes(2);
    private static final Duration RETRY = Duration.ofSeconds(5);
    /** Seconds a read of the list may take. */
    static final int QUERY_TIMEOUT = 10;
    private int queryTimeout = QUERY_TIMEOUT;
    /** A read going on this long is taken to be stuck. */
    static final Duration STUCK = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final Clock clock;
    private volatile Set<String> revoked = Set.of();
    private volatile Instant readUntil = Instant.MIN;
    /** When the read under way began (ms), or 0. */
    private final AtomicLong readingSince = new AtomicLong();
    /** Listed by this node since the last read began: kept when that read's list, begun before, lacks them. */
    private final Set<String> listedHere = new HashSet<>();

    RevokedTokens(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Gives a read of the list {@code seconds} instead of {@link #QUERY_TIMEOUT} (for tests). */
    RevokedTokens readingAtMost(int seconds) {
        this.queryTimeout = seconds;
        return this;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt token) {
        Set<String> current = current();
        if (!current.isEmpty() && (current.contains(TokenHashes.of(token.getTokenValue()))
                || token.hasClaim(TokenClaims.GRANT) && current.contains(grant(token.getClaimAsString(TokenClaims.GRANT))))) {
            return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, REVOKED, null));
        }
        return OAuth2TokenValidatorResult.success();
    }

    /**
     * The revocation endpoint's answer (200, RFC 7009), once what Spring's provider invalidated is listed. Spring
     * keeps only a grant's current access token, so an older one of the client's is recognised by its signature
     * ({@code signed}: this server's keys, its expiry checked) and its {@code client_id}.
     */
    AuthenticationSuccessHandler revocationResponse(OAuth2AuthorizationService authorizations, JwtDecoder signed) {
        return (HttpServletRequest request, HttpServletResponse response, Authentication authentication) -> {
            OAuth2TokenRevocationAuthenticationToken revocation = (OAuth2TokenRevocationAuthenticationToken) authentication;
            String value = revocation.getToken();
            OAuth2Authorization authorization = authorizations.findByToken(value, null);
            if (authorization != null) {
                OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
                OAuth2Authorization.Token<OAuth2RefreshToken> refresh = authorization.getRefreshToken();
                if (access != null && access.isInvalidated() && access.getToken().getExpiresAt() != null) {
                    list(TokenHashes.of(access.getToken().getTokenValue()), access.getToken().getExpiresAt());
                    if (refresh != null && refresh.isInvalidated()
                            && refresh.getToken().getTokenValue().equals(value)) {
                        list(grant(authorization.getId()), access.getToken().getExpiresAt());
                    }
                }
            } else if (revocation.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
                    && client.getRegisteredClient() != null) {
                try {
                    Jwt jwt = signed.decode(value);
                    if (client.getRegisteredClient().getClientId().equals(jwt.getClaimAsString("client_id"))
                            && jwt.getExpiresAt() != null) {
                        list(TokenHashes.of(value), jwt.getExpiresAt());
                    }
                } catch (JwtException e) {
                    // not an access token of ours, or expired: nothing to revoke (RFC 7009 answers 200 all the same)
                }
            }
            response.setStatus(HttpStatus.OK.value());
        };
    }

    /**
     * Refuses every access token of a grant (its {@link TokenClaims#GRANT}) until {@code expiresAt}, the expiry of
     * the last one it gave: for a code or a replaced refresh token used again ({@link SingleUseGrants}).
     */
    void listGrant(String authorizationId, Instant expiresAt) {
        list(grant(authorizationId), expiresAt);
    }

    /** Lists a token's hash (or a grant's) until {@code expiresAt}, here at once and on every node soon. */
    void list(String key, Instant expiresAt) {
        // Listed already is no error: a duplicate key would abort the transaction this may be part of.
        jdbc.sql("INSERT INTO revoked_access_tokens (token_hash, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(key, expiresAt.plus(SKEW).atOffset(ZoneOffset.UTC)).update();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // Refused here only once the listing is committed, as on the other nodes.
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    listHere(key);
                }
            });
        } else {
            listHere(key);
        }
    }

    private synchronized void listHere(String key) {
        Set<String> with = new HashSet<>(revoked);
        with.add(key);
        revoked = Set.copyOf(with);
        listedHere.add(key);
    }

    /**
     * The list, read again when {@link #RECHECK} has passed. The first read is waited for; after it one request
     * at a time reads the list again while the others go on with the one they have, so a database that answers
     * slowly or not at all holds up one token check, not all of them.
     */
    private Set<String> current() {
        if (clock.instant().isBefore(readUntil)) {
            return revoked;
        }
        if (readUntil == Instant.MIN) {
            synchronized (this) {
                if (readUntil == Instant.MIN) {
                    read();
                }
                return revoked;
            }
        }
        long now = clock.millis();
        long since = readingSince.get();
        // One read at a time; one that has gone on past its timeout and then some is stuck where the timeout cannot
        // reach (a connection cut without a reset: pgjdbc cancels a query over another connection, and the stuck one
        // waits for TCP), and no longer keeps the others from reading.
        if ((since == 0 || now - since > STUCK.toMillis()) && readingSince.compareAndSet(since, now)) {
            try {
                if (!clock.instant().isBefore(readUntil)) {
                    read();
                }
            } finally {
                readingSince.compareAndSet(now, 0);
            }
        }
        return revoked;
    }

    private void read() {
        try {
            Instant now = clock.instant();
            // Bounded (a lock or a slow database): a read that hung would keep later ones from starting until it
            // is taken for stuck, and this node would accept the tokens revoked on others meanwhile.
            jdbc.sql("DELETE FROM revoked_access_tokens WHERE expires_at < ?").withQueryTimeout(queryTimeout)
                    .param(now.atOffset(ZoneOffset.UTC)).update();
            Set<String> listed = Set.copyOf(jdbc.sql("SELECT token_hash FROM revoked_access_tokens")
                    .withQueryTimeout(queryTimeout).query(String.class).list());
            synchronized (this) { // with list(): a token listed here meanwhile stays listed
                Set<String> merged = new HashSet<>(listed);
                merged.addAll(listedHere);
                revoked = Set.copyOf(merged);
                listedHere.clear();
            }
            readUntil = now.plus(RECHECK);
        } catch (DataAccessException e) {
            // The database unreachable: keep the list as it was, and try again shortly (counted from now, not from
            // when this read began, which may have waited for a connection longer than that), rather than fail
            // every request meanwhile (the request itself meets the outage where it needs the database).
            log.warn("Could not read the revoked access tokens; trying again in {} s: {}", RETRY.toSeconds(),
                    LoggedErrors.summary(e));
            readUntil = clock.instant().plus(RETRY);
        }
    }

    private static String grant(String authorizationId) {
        return TokenHashes.of("grant:" + authorizationId);
    }
}
