package org.notesync.identity;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The RSA key that signs access tokens, kept in the database (private half encrypted) so that every
 * node of a cluster signs and verifies with the same key. The first node to start creates it.
 */
final class SigningKeys {

    private SigningKeys() {
    }

    static JWKSet load(JdbcClient jdbc, SecretBox secrets, Clock clock) {
        reseal(jdbc, secrets);
        List<RSAKey> keys = read(jdbc, secrets);
        if (keys.isEmpty()) {
            try {
                create(jdbc, secrets, clock);
            } catch (DuplicateKeyException raced) {
                // another node created it first: use theirs
            }
            keys = read(jdbc, secrets);
        }
        return new JWKSet(keys.get(0));
    }

    /** Encrypts again under the master key what its predecessor encrypted (while the master key is changed). */
    private static void reseal(JdbcClient jdbc, SecretBox secrets) {
        if (!secrets.changingKeys()) {
            return;
        }
        jdbc.sql("SELECT kid, private_key FROM signing_keys").query((rs, n) -> Map.entry(rs.getString(1),
                rs.getString(2))).list().forEach(key -> secrets.resealed(key.getValue()).ifPresent(resealed -> jdbc
                .sql("UPDATE signing_keys SET private_key = ? WHERE kid = ? AND private_key = ?")
                .params(resealed, key.getKey(), key.getValue()).update()));
    }

    private static List<RSAKey> read(JdbcClient jdbc, SecretBox secrets) {
        return jdbc.sql("SELECT kid, public_key, private_key FROM signing_keys ORDER BY created_at, kid")
                .query((rs, n) -> rsaKey(rs.getString(1), rs.getString(2), secrets.decrypt(rs.getString(3))))
                .list();
    }

    private static void create(JdbcClient jdbc, SecretBox secrets, Clock clock) {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            pair = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Base64.Encoder b64 = Base64.getEncoder();
        // A fixed primary key: two nodes starting together cannot both insert a key.
        jdbc.sql("INSERT INTO signing_keys (id, kid, public_key, private_key, created_at) VALUES (1, ?, ?, ?, ?)")
                .params(UUID.randomUUID().toString(), b64.encodeToString(pair.getPublic().getEncoded()),
                        secrets.encrypt(b64.encodeToString(pair.getPrivate().getEncoded())),
                        clock.instant().atOffset(ZoneOffset.UTC))
                .update();
    }

    private static RSAKey rsaKey(String kid, String publicKey, String privateKey) {
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            Base64.Decoder b64 = Base64.getDecoder();
            RSAPublicKey pub = (RSAPublicKey) factory.generatePublic(new X509EncodedKeySpec(b64.decode(publicKey)));
            RSAPrivateKey priv = (RSAPrivateKey) factory.generatePrivate(new PKCS8EncodedKeySpec(b64.decode(privateKey)));
            return new RSAKey.Builder(pub).privateKey(priv).keyID(kid).build();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("Stored signing key is unreadable", e);
        }
    }
}
