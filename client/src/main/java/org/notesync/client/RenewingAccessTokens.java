package org.notesync.client;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Holds the current token and renews it {@code renewBefore} its expiry. Readers never block while the
 * token is fresh; when it is not, one thread renews under the lock and the others wait for its result
 * rather than each asking the server.
 */
final class RenewingAccessTokens implements AccessTokens {

    /** How to get the next token, given the current one (null at first): a new grant, or a refresh. */
    @FunctionalInterface
    interface Grant {
        Token next(Token current);
    }

    private final Grant grant;
    private final Clock clock;
    private final Duration renewBefore;
    private final TokenStore store;
    private final ReentrantLock renewal = new ReentrantLock();
    private volatile Token current;
    /**
     * A token the grant gave that the store has not taken yet (its save threw): saved before anything else, and
     * its access token used only then. Its refresh token is the only one left (the old one is spent), and a
     * restart, or another process sharing the store, refreshing with the old one again ends the grant.
     */
    private volatile Token unsaved;

    RenewingAccessTokens(Grant grant, Clock clock, Duration renewBefore, TokenStore store) {
        this.grant = grant;
        this.clock = clock;
        this.renewBefore = renewBefore;
        this.store = store;
    }

    @Override
    public String accessToken() {
        Token token = current;
        if (token != null && unsaved == null && token.validFor(renewBefore, clock)) {
            return token.accessToken();
        }
        renewal.lock();
        try {
            if (unsaved != null) {
                store.save(unsaved);
                unsaved = null;
            }
            token = current;
            if (token != null && token.validFor(renewBefore, clock)) {
                return token.accessToken();
            }
            if (store != null) {
                // Another process sharing the store may have rotated the refresh token since we last looked.
                Token stored = store.load().orElse(null);
                if (stored != null && (token == null || !stored.accessToken().equals(token.accessToken()))) {
                    token = stored;
                    if (stored.validFor(renewBefore, clock)) {
                        current = stored;
                        return stored.accessToken();
                    }
                }
            }
            Token next;
            try {
                next = grant.next(token);
            } catch (NotesyncException e) {
                // Renewing early failed; the old token still works for a little while, so use it and try later.
                if (token != null && token.validFor(Duration.ZERO, clock) && !isRejected(token)) {
                    return token.accessToken();
                }
                throw e;
            }
            if (next.refreshToken() == null && token != null && token.refreshToken() != null) {
                next = new Token(next.accessToken(), next.tokenType(), next.expiresAt(), token.refreshToken(),
                        next.scopes());
            }
            current = next;
            if (store != null) {
                unsaved = next;
                store.save(next);
                unsaved = null;
            }
            return next.accessToken();
        } finally {
            renewal.unlock();
        }
    }

    @Override
    public void rejected(String accessToken) {
        renewal.lock();
        try {
            Token token = current;
            if (token != null && token.accessToken().equals(accessToken)) {
                current = token.expired();
            }
        } finally {
            renewal.unlock();
        }
    }

    private static boolean isRejected(Token token) {
        return token.expiresAt() != null && token.expiresAt().getEpochSecond() == 0;
    }
}
