package org.notesync.identity;

import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.notesync.web.Databases;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeAuthenticationToken;
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
 */
final class SingleUseGrants {

    /** The key space of these advisory locks (two-integer keys, apart from the other uses). */
    static final int SPACE = 0x4F_41_55_54; // "OAUT"

    private final boolean postgres;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ReentrantLock[] local = new ReentrantLock[256];

    SingleUseGrants(DataSource dataSource, JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.postgres = Databases.isPostgres(dataSource);
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
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
                        : oneAtATime(credential, () -> provider.authenticate(authentication));
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
