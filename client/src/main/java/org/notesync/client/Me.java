package org.notesync.client;

import java.util.List;
import java.util.UUID;

/**
 * {@code GET /me}: who the token speaks for. For an organization-wide token (client credentials) the
 * clinician fields are null and only the organization is set.
 */
public record Me(UUID uuid, String email, String firstName, String lastName, Boolean isVerified, String clientId,
        List<Organization> organizations) {

    public record Organization(UUID uuid, String name, String streetAddress, String city, String postalCode,
            String country) {
    }
}
