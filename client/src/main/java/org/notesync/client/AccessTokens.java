package org.notesync.client;

/**
 * Supplies the bearer token for each API call. The SDK's own implementations obtain tokens from the
 * authorization server, renew them a minute before they expire, and let one thread renew at a time.
 */
public interface AccessTokens {

    /** A token that is valid now and, normally, for a while yet. */
    String accessToken();

    /** The API refused {@code accessToken} with a 401: the next {@link #accessToken()} should be a new one. */
    default void rejected(String accessToken) {
    }

    /** A fixed token, for scripts and tests; never renewed. */
    static AccessTokens of(String accessToken) {
        return () -> accessToken;
    }
}
