package org.notesync.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.notesync.NotesyncProperties;
import org.notesync.StartupMistake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.encrypt.BytesEncryptor;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.stereotype.Component;

/**
 * Encrypts the secrets the server must read back (token signing keys, webhook signing secrets) with
 * AES-256-GCM under the master key {@code notesync.secret-key}. Secrets that are only ever checked
 * (passwords, client secrets) are hashed instead, never stored here. While the master key is being changed,
 * what the previous one ({@code notesync.previous-secret-key}) encrypted is still read, and {@link #resealed}
 * encrypts it again under the current one.
 */
@Component
public class SecretBox {

    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    private static final String SALT = "6e6f746573796e632d736563726574"; // hex of "notesync-secret"
    /** What production mode takes as a master key at least: {@code openssl rand -base64 32} writes 44. */
    static final int MIN_KEY_LENGTH = 32;

    private final BytesEncryptor encryptor;
    private final byte[] masterKey;
    /** The master key's predecessor, while secrets it encrypted may be stored; null otherwise. */
    private final BytesEncryptor previous;
    private final byte[] previousKey;

    SecretBox(NotesyncProperties properties) {
        String key = masterKey(properties);
        this.encryptor = Encryptors.stronger(key, SALT);
        this.masterKey = key.getBytes(StandardCharsets.UTF_8);
        String before = properties.previousSecretKey();
        if (before == null || before.isBlank()) {
            this.previous = null;
            this.previousKey = null;
        } else if (before.equals(key)) {
            throw new StartupMistake("NOTESYNC_PREVIOUS_SECRET_KEY is the same as NOTESYNC_SECRET_KEY: set "
                    + "NOTESYNC_SECRET_KEY to the new master key and NOTESYNC_PREVIOUS_SECRET_KEY to the one it replaces.");
        } else {
            this.previous = Encryptors.stronger(before, SALT);
            this.previousKey = before.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * A 256-bit key for one purpose, derived from the master key (HMAC-SHA-256 of the purpose's name), so that
     * what one purpose computes with it says nothing of the master key or of another purpose's.
     */
    public byte[] derive(String purpose) {
        return derive(masterKey, purpose);
    }

    /** {@link #derive} under the previous master key, while the master key is being changed. */
    public Optional<byte[]> derivePrevious(String purpose) {
        return Optional.ofNullable(previousKey).map(key -> derive(key, purpose));
    }

    private static byte[] derive(byte[] key, String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(("notesync/" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is part of every Java runtime", e);
        }
    }

    public String encrypt(String plaintext) {
        return Base64.getEncoder().encodeToString(encryptor.encrypt(plaintext.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * @throws UnreadableSecret when neither the master key nor the previous one encrypted it
     */
    public String decrypt(String ciphertext) {
        byte[] sealed = Base64.getDecoder().decode(ciphertext);
        try {
            return new String(encryptor.decrypt(sealed), StandardCharsets.UTF_8);
        } catch (IllegalStateException notOurs) {
            if (previous != null) {
                try {
                    return new String(previous.decrypt(sealed), StandardCharsets.UTF_8);
                } catch (IllegalStateException notThePrevious) {
                    // neither: said below
                }
            }
            throw new UnreadableSecret(previous != null);
        }
    }

    /**
     * The ciphertext encrypted again under the master key when the previous one encrypted it; empty when the
     * master key did.
     *
     * @throws UnreadableSecret when neither did
     */
    public Optional<String> resealed(String ciphertext) {
        if (previous == null) {
            decrypt(ciphertext);
            return Optional.empty();
        }
        byte[] sealed = Base64.getDecoder().decode(ciphertext);
        try {
            encryptor.decrypt(sealed);
            return Optional.empty();
        } catch (IllegalStateException notOurs) {
            return Optional.of(encrypt(decrypt(ciphertext)));
        }
    }

    /** Whether a previous master key is set, so stored secrets may have to be encrypted again. */
    public boolean changingKeys() {
        return previous != null;
    }

    /** A stored secret encrypted under a master key this node was not given. */
    public static final class UnreadableSecret extends StartupMistake {
        UnreadableSecret(boolean withPrevious) {
            super("A stored secret cannot be decrypted with NOTESYNC_SECRET_KEY"
                    + (withPrevious ? " nor NOTESYNC_PREVIOUS_SECRET_KEY" : "") + ": it was encrypted under another "
                    + "master key. To change the master key, set the new one as NOTESYNC_SECRET_KEY and the old one as "
                    + "NOTESYNC_PREVIOUS_SECRET_KEY (docs/operations.md, \"Changing the master key\").");
        }
    }

    private static String masterKey(NotesyncProperties properties) {
        if (properties.secretKey() != null && !properties.secretKey().isBlank()) {
            if (properties.production() && properties.secretKey().length() < MIN_KEY_LENGTH) {
                // The key is a password stretched by PBKDF2: a short one can be guessed offline from a copy of the
                // database's encrypted secrets.
                throw new StartupMistake("NOTESYNC_SECRET_KEY is " + properties.secretKey().length()
                        + " characters; production mode needs at least " + MIN_KEY_LENGTH + ". Generate one with: "
                        + "openssl rand -base64 32. A database whose secrets a shorter key encrypted keeps them: set "
                        + "the new key as NOTESYNC_SECRET_KEY and the short one as NOTESYNC_PREVIOUS_SECRET_KEY "
                        + "(docs/operations.md, \"Changing the master key\").");
            }
            return properties.secretKey();
        }
        if (properties.production()) {
            throw new StartupMistake("NOTESYNC_SECRET_KEY must be set in production mode: it encrypts the "
                    + "stored signing keys and webhook secrets. Generate one with: openssl rand -base64 32");
        }
        Path file = Path.of(properties.dataDir(), "secret.key");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(file.getParent());
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String encoded = Base64.getEncoder().encodeToString(key);
            Files.writeString(file, encoded);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            log.info("Dev mode: generated a master key in {}", file);
            return encoded;
        } catch (IOException e) {
            throw new StartupMistake("Cannot read or create the dev master key " + file + " (" + e + "): check "
                    + "NOTESYNC_DATA_DIR, or set NOTESYNC_SECRET_KEY.", e);
        }
    }
}
