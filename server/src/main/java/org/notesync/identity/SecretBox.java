package org.notesync.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

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
 * (passwords, client secrets) are hashed instead, never stored here.
 */
@Component
public class SecretBox {

    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    private static final String SALT = "6e6f746573796e632d736563726574"; // hex of "notesync-secret"

    private final BytesEncryptor encryptor;
    private final byte[] masterKey;

    SecretBox(NotesyncProperties properties) {
        String key = masterKey(properties);
        this.encryptor = Encryptors.stronger(key, SALT);
        this.masterKey = key.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A 256-bit key for one purpose, derived from the master key (HMAC-SHA-256 of the purpose's name), so that
     * what one purpose computes with it says nothing of the master key or of another purpose's.
     */
    public byte[] derive(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(masterKey, "HmacSHA256"));
            return mac.doFinal(("notesync/" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is part of every Java runtime", e);
        }
    }

    public String encrypt(String plaintext) {
        return Base64.getEncoder().encodeToString(encryptor.encrypt(plaintext.getBytes(StandardCharsets.UTF_8)));
    }

    public String decrypt(String ciphertext) {
        return new String(encryptor.decrypt(Base64.getDecoder().decode(ciphertext)), StandardCharsets.UTF_8);
    }

    private static String masterKey(NotesyncProperties properties) {
        if (properties.secretKey() != null && !properties.secretKey().isBlank()) {
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
