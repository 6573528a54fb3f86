package org.notesync.client;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * The start of a device flow (RFC 8628): show {@link #userCode()} and {@link #verificationUri()} to the
 * clinician (or {@link #verificationUriComplete()} as a link or QR code); they approve in a browser
 * while the software polls.
 *
 * @param interval how long to wait between polls, as the server asked
 */
public record DeviceAuthorization(String deviceCode, String userCode, URI verificationUri,
        URI verificationUriComplete, Instant expiresAt, Duration interval) {

    @Override
    public String toString() {
        return "DeviceAuthorization[userCode=" + userCode + ", verificationUri=" + verificationUri + ", expiresAt="
                + expiresAt + ", interval=" + interval + "]";
    }
}
