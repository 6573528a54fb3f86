package org.notesync.identity;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.notesync.web.Databases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceCodeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationToken;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One redemption at a time per single-use credential: an authorization code, a refresh token, a device code.
 * Spring's grant providers read the credential's authorization, check that it is still valid, and write it back
 * invalidated with the new tokens, with nothing in between that stops a second request for the same credential
 * from reading it valid too: ten parallel refreshes with one refresh token got up to ten sets of tokens, all of
 * them working (RFC 6749, 4.1.2 and 6, want a code used once and a refresh token replaced). Around each of those
 * providers, after the client has authenticated: a lock in this JVM per credential, so that a node has at most one
 * request per credential holding a database connection; then, on PostgreSQL, a transaction that takes an advisory
 * lock on the credential before the provider reads it, so that a request on another node reads it only once the
 * first has committed, and is refused. The tokens are written in that transaction and answered after its commit.
 * <p>
 * A credential used again by its own client ends its grant, since one of the two users of it copied it: a code
 * (RFC 6749, 4.1.2: Spring invalidates the grant's tokens, and this lists them in {@link RevokedTokens}, which the
 * API checks) and a refresh token already replaced by a refresh (RFC 9700, 4.14.2: the replaced ones are kept,
 * hashed, in {@code spent_refresh_tokens} until they would have expired). The client signs in again.
 */
final class SingleUseGrants {

    private static final Logger log = LoggerFactory.getLogger(SingleUseGrants.class);
    private static final OAuth2TokenType CODE = new OAuth2TokenType(OAuth2ParameterNames.CODE);

    /** The key space of these advisory locks (two-integer keys, apart from the other uses). */
    static final int SPACE = 0x4F_41_55_54; // "OAUT"

    private final boolean postgres;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ReentrantLock[] local = new ReentrantLock[256];

    private final OAuth2AuthorizationService authorizations;
    private final RevokedTokens revoked;
    private final Clock clock;

    SingleUseGrants(DataSource dataSource, JdbcClient jdbc, PlatformTransactionManager transactions,
            OAuth2AuthorizationService authorizations, RevokedTokens revoked, Clock clock) {
        this.postgres = Databases.isPostgres(dataSource);
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
        this.authorizations = authorizations;
        this.revoked = revoked;
        this.clock = clock;
        for (int i = 0; i < local.length; i++) {
            local[i] = new ReentrantLock();
        }
    }

    /** The provider, redeeming one credential at a time; any other provider as it is. */
    AuthenticationProvider around(AuthenticationProvider provider) {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                String credential = credential(authentication);
                return credential == null ? provider.authenticate(authentication)
                        : oneAtATime(credential, () -> redeem(provider, authentication, credential));
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return provider.supports(authentication);
            }
        };
    }

    private static String credential(Authentication authentication) {
        if (authentication instanceof OAuth2AuthorizationCodeAuthenticationToken code) {
            return code.getCode();
        }
        if (authentication instanceof OAuth2RefreshTokenAuthenticationToken refresh) {
            return refresh.getRefreshToken();
        }
        if (authentication instanceof OAuth2DeviceCodeAuthenticationToken device) {
            return device.getDeviceCode();
        }
        return null;
    }

    /** The provider's redemption, and what a credential used again does to its grant. */
    private Authentication redeem(AuthenticationProvider provider, Authentication authentication, String credential) {
        if (authentication instanceof OAuth2RefreshTokenAuthenticationToken) {
            OAuth2Authorization current = authorizations.findByToken(credential, OAuth2TokenType.REFRESH_TOKEN);
            Authentication tokens;
            try {
                tokens = provider.authenticate(authentication);
            } catch (AuthenticationException refused) {
                if (current == null) {
                    refreshTokenUsedAgain(credential, authentication);
                }
                throw refused;
            }
            if (current != null && current.getRefreshToken() != null
                    && tokens instanceof OAuth2AccessTokenAuthenticationToken issued
                    && issued.getRefreshToken() != null
                    && !issued.getRefreshToken().getTokenValue().equals(credential)) {
                spent(credential, current.getId(), current.getRefreshToken().getToken());
            }
            return tokens;
        }
        try {
            return provider.authenticate(authentication);
        } catch (AuthenticationException refused) {
            if (authentication instanceof OAuth2AuthorizationCodeAuthenticationToken) {
                codeUsedAgain(credential);
            }
            throw refused;
        }
    }

    private void spent(String refreshToken, String authorizationId, OAuth2RefreshToken token) {
        Instant now = clock.instant();
        Instant until = token.getExpiresAt() != null ? token.getExpiresAt() : now.plus(Clients.REFRESH_TOKEN_TTL);
        jdbc.sql("DELETE FROM spent_refresh_tokens WHERE expires_at < ?").param(now.atOffset(ZoneOffset.UTC)).update();
        jdbc.sql("INSERT INTO spent_refresh_tokens (token_hash, authorization_id, expires_at) VALUES (?, ?, ?) "
                        + "ON CONFLICT DO NOTHING")
                .params(TokenHashes.of(refreshToken), authorizationId, until.atOffset(ZoneOffset.UTC)).update();
    }

    /** A replaced refresh token, sent by the client it was issued to: its grant's tokens stop working. */
    private void refreshTokenUsedAgain(String refreshToken, Authentication authentication) {
        Optional<String> grant = jdbc.sql("SELECT authorization_id FROM spent_refresh_tokens "
                        + "WHERE token_hash = ? AND expires_at > ?")
                .params(TokenHashes.of(refreshToken), clock.instant().atOffset(ZoneOffset.UTC))
                .query(String.class).optional();
        OAuth2Authorization authorization = grant.map(authorizations::findById).orElse(null);
        if (authorization == null || !sentByItsClient(authorization, authentication)) {
            return;
        }
        OAuth2Authorization.Token<OAuth2RefreshToken> refresh = authorization.getRefreshToken();
        if (refresh != null && !refresh.isInvalidated()) {
            // Spring invalidates the grant's access token (and code) with its refresh token.
            authorizations.save(OAuth2Authorization.from(authorization).invalidate(refresh.getToken()).build());
        }
        revokeAccessTokens(authorization);
        log.warn("A replaced refresh token of client {} was used again: its grant is revoked, and the client must "
                + "be authorized again (RFC 9700, 4.14.2)", authorization.getRegisteredClientId());
    }

    /** A code redeemed before: Spring has invalidated its grant's tokens; the access tokens are refused too. */
    private void codeUsedAgain(String code) {
        OAuth2Authorization authorization = authorizations.findByToken(code, CODE);
        if (authorization == null) {
            return;
        }
        OAuth2Authorization.Token<OAuth2AuthorizationCode> redeemed = authorization.getToken(OAuth2AuthorizationCode.class);
        OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
        if (redeemed != null && redeemed.isInvalidated() && access != null && access.isInvalidated()) {
            revokeAccessTokens(authorization);
        }
    }

    private void revokeAccessTokens(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
        if (access != null && access.getToken().getExpiresAt() != null) {
            revoked.listGrant(authorization.getId(), access.getToken().getExpiresAt());
        }
    }

    private static boolean sentByItsClient(OAuth2Authorization authorization, Authentication authentication) {
        return authentication.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
                && client.getRegisteredClient() != null
                && client.getRegisteredClient().getId().equals(authorization.getRegisteredClientId());
    }

    private interface Redemption {
        Authentication run();
    }

    /** What a provider's refusal leaves in the transaction (a reused code revokes its tokens) is committed too. */
    private record Outcome(Authentication tokens, AuthenticationException refused) {
    }

    private Authentication oneAtATime(String credential, Redemption redemption) {
        int key = key(credential);
        ReentrantLock lock = local[Math.floorMod(key, local.length)];
        lock.lock();
        try {
            if (!postgres) {
                return redemption.run();
            }
            Outcome outcome = transactions.execute(tx -> {
                jdbc.sql("SELECT pg_advisory_xact_lock(:space, :key)").param("space", SPACE).param("key", key)
                        .query().listOfRows();
                try {
                    return new Outcome(redemption.run(), null);
                } catch (AuthenticationException refused) {
                    return new Outcome(null, refused);
                }
            });
            if (outcome.refused() != null) {
                throw outcome.refused();
            }
            return outcome.tokens();
        } finally {
            lock.unlock();
        }
    }

    static int key(String credential) {
        return (int) Long.parseLong(TokenHashes.of(credential).substring(0, 8), 16);
    }
}
