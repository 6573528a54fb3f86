package org.notesync;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings every feature shares.
 *
 * @param mode         {@code dev} (the embedded default: demo data, loopback webhooks allowed) or
 *                     {@code production} (PostgreSQL only, nothing created on start, https webhooks only); null
 *                     when not set ({@code NOTESYNC_MODE} empty or absent), which is dev mode on H2 and refused on
 *                     PostgreSQL ({@code DatabaseGuard})
 * @param secretKey    master key that encrypts stored secrets (signing keys, webhook secrets); required in
 *                     production, generated into the data directory in dev mode
 * @param previousSecretKey the master key before {@code secretKey} replaced it
 *                     ({@code NOTESYNC_PREVIOUS_SECRET_KEY}): what it encrypted is still read, and encrypted again
 *                     under {@code secretKey} at start (docs/operations.md, "Changing the master key")
 * @param dataDir      where the embedded database, the generated dev key and uploaded files live
 * @param issuer       the public base URL of this server, used as the token issuer; derived from the
 *                     request when empty
 * @param maxBodySize  largest JSON request body accepted ({@code NOTESYNC_MAXBODYSIZE}); at least
 *                     {@value #MIN_BODY_KB} KB, since a missing unit ({@code 2} for {@code 2MB}) means bytes and
 *                     would refuse every body
 * @param dev          what dev mode creates on its first start
 */
@ConfigurationProperties("notesync")
public record NotesyncProperties(
        Mode mode,
        String secretKey,
        String previousSecretKey,
        @DefaultValue("./data") String dataDir,
        String issuer,
        @DefaultValue("1MB") DataSize maxBodySize,
        @DefaultValue Dev dev) {

    static final int MIN_BODY_KB = 64;

    public NotesyncProperties {
        if (maxBodySize.toKilobytes() < MIN_BODY_KB) {
            throw new IllegalArgumentException("notesync.max-body-size (NOTESYNC_MAXBODYSIZE, " + maxBodySize
                    + ") must be at least " + MIN_BODY_KB + "KB, such as 1MB");
        }
    }

    public enum Mode { DEV, PRODUCTION }

    public boolean production() {
        return mode == Mode.PRODUCTION;
    }

    /** Whether the operator chose the mode, rather than left it to the default (dev mode, on H2 only). */
    public boolean modeChosen() {
        return mode != null;
    }

    /**
     * @param clientId     the demo integration client's id
     * @param clientSecret its secret, known in advance so the README's walkthrough can use it
     * @param userEmail    the demo clinician's login
     * @param userPassword the demo clinician's password
     */
    public record Dev(
            @DefaultValue("demo-integration") String clientId,
            @DefaultValue("demo-secret") String clientSecret,
            @DefaultValue("demo-admin") String adminClientId,
            @DefaultValue("demo-admin-secret") String adminClientSecret,
            @DefaultValue("clinician@demo.notesync.local") String userEmail,
            @DefaultValue("demo-password") String userPassword) {
    }
}
