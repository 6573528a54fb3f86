package org.notesync.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

/**
 * Refuses the access tokens of a revoked (deleted) client before they expire. A client found to exist
 * is trusted for {@link #RECHECK} before the database is asked again, so a revocation reaches every
 * node within that time, and the node that revoked at once.
 */
@Component
class ActiveClients implements OAuth2TokenValidator<Jwt> {

    /** Why a revoked client's token is refused; the 401's detail says it too. */
    static final String REVOKED = "The client of this access token has been revoked.";

    static final Duration RECHECK = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Map<String, Instant> activeUntil = new ConcurrentHashMap<>();
    /**
     * Counts {@link #forget}s: a check that read a client as existing just before its deletion committed must not
     * trust it for {@link #RECHECK} after the deletion forgot it (the revoking node would accept its tokens).
     */
    private final AtomicLong forgotten = new AtomicLong();

    ActiveClients(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt token) {
        String clientId = token.getClaimAsString("client_id");
        if (clientId == null) {
            return failure("The access token names no client.");
        }
        Instant now = clock.instant();
        Instant until = activeUntil.get(clientId);
        if (until != null && now.isBefore(until)) {
            return OAuth2TokenValidatorResult.success();
        }
        long forgets = forgotten.get();
        boolean exists = jdbc.sql("SELECT COUNT(*) FROM oauth2_registered_client WHERE client_id = ?")
                .param(clientId).query(Long.class).single() > 0;
        if (!exists) {
            activeUntil.remove(clientId);
            return failure(REVOKED);
        }
        activeUntil.put(clientId, now.plus(RECHECK));
        if (forgotten.get() != forgets) {
            // A client deleted meanwhile may be this one, read before its deletion committed: ask again next time.
            activeUntil.remove(clientId);
        }
        return OAuth2TokenValidatorResult.success();
    }

    /** Called once a client is deleted, so that this node refuses its tokens from now on. */
    void forget(String clientId) {
        forgotten.incrementAndGet();
        activeUntil.remove(clientId);
    }

    private static OAuth2TokenValidatorResult failure(String why) {
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, why, null));
    }
}
