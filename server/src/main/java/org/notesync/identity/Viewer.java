package org.notesync.identity;

import java.util.Set;
import java.util.UUID;

/**
 * Who is calling: the organization every query is scoped to, the clinician when the token was granted
 * by one (authorization code, device code), and the client. An organization-wide integration token
 * (client credentials) has no clinician and so sees no private patient.
 */
public record Viewer(UUID organizationId, UUID userId, String clientId, Set<String> scopes) {

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /** Whether a patient with this visibility and owner may be seen by this caller. */
    public boolean sees(String visibilityOption, UUID ownerId) {
        return !"private".equals(visibilityOption) || (userId != null && userId.equals(ownerId));
    }
}
