package org.notesync.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Tokens from the authorization server. {@link #toString()} never shows them.
 *
 * @param expiresAt    when the access token stops working (computed from {@code expires_in} at request time)
 * @param refreshToken null for client credentials; single use: every refresh returns a new one
 */
public record Token(String accessToken, String tokenType, Instant expiresAt, String refreshToken, Set<String> scopes) {

    public Token {
        if (accessToken == null || accessToken.isBlank()) {
            throw new IllegalArgumentException("accessToken is required");
        }
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
    }

    /** Whether the access token is still good for at least {@code margin} at the clock's time. */
    public boolean validFor(Duration margin, Clock clock) {
        return expiresAt == null || clock.instant().plus(margin).isBefore(expiresAt);
    }

    Token expired() {
        return new Token(accessToken, tokenType, Instant.EPOCH, refreshToken, scopes);
    }

    @Override
    public String toString() {
        return "Token[type=" + tokenType + ", expiresAt=" + expiresAt + ", scopes=" + scopes
                + ", refreshToken=" + (refreshToken == null ? "none" : "present") + "]";
    }
}
