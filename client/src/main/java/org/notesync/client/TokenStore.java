package org.notesync.client;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Where a clinician's tokens live between refreshes and between runs. Refresh tokens are single use:
 * each refresh returns a new one and the old one stops working, so {@link #save(Token)} must persist
 * it durably before returning (a database row, an encrypted file, the OS keychain). Treat its contents
 * as a password.
 */
public interface TokenStore {

    /** The latest token saved, if any. Read again before each refresh, so processes sharing a store see rotations. */
    Optional<Token> load();

    /** Called with every new token, before it is used. An exception here fails the call that needed the token. */
    void save(Token token);

    /** Keeps the token in memory only: fine for a single run, lost on restart. */
    static TokenStore inMemory(Token initial) {
        AtomicReference<Token> current = new AtomicReference<>(initial);
        return new TokenStore() {
            @Override
            public Optional<Token> load() {
                return Optional.ofNullable(current.get());
            }

            @Override
            public void save(Token token) {
                current.set(token);
            }
        };
    }

    /** Keeps the token in memory and also hands every new one to {@code onNewToken} (to persist it). */
    static TokenStore inMemory(Token initial, Consumer<Token> onNewToken) {
        TokenStore memory = inMemory(initial);
        return new TokenStore() {
            @Override
            public Optional<Token> load() {
                return memory.load();
            }

            @Override
            public void save(Token token) {
                onNewToken.accept(token);
                memory.save(token);
            }
        };
    }
}
