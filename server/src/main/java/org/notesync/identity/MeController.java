package org.notesync.identity;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.Nullable;
import org.notesync.web.ApiException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /me}: the quickstart's first call. */
@RestController
class MeController {

    record OrganizationSummary(UUID uuid, String name, @Nullable String streetAddress, @Nullable String city,
            @Nullable String postalCode, @Nullable String country) {
    }

    /** For a client-credentials token there is no clinician: uuid and names are null, the organization is set. */
    record Me(@Nullable UUID uuid, @Nullable String email, @Nullable String firstName, @Nullable String lastName,
            boolean isVerified, @Nullable String clientId, List<OrganizationSummary> organizations) {
    }

    private final Accounts accounts;

    MeController(Accounts accounts) {
        this.accounts = accounts;
    }

    /** JSON only (and as JSON-LD clients ask for it): a problem+json Accept, say, is a 406, as elsewhere. */
    @GetMapping(path = "/me", produces = {MediaType.APPLICATION_JSON_VALUE, "application/ld+json"})
    Me me(Viewer viewer) {
        Accounts.Organization org = accounts.organization(viewer.organizationId())
                .orElseThrow(() -> ApiException.notFound("Organization"));
        List<OrganizationSummary> orgs = List.of(new OrganizationSummary(org.id(), org.name(), org.streetAddress(),
                org.city(), org.postalCode(), org.country()));
        if (viewer.userId() == null) {
            return new Me(null, null, null, null, false, viewer.clientId(), orgs);
        }
        Accounts.User user = accounts.user(viewer.userId()).orElseThrow(() -> ApiException.notFound("User"));
        return new Me(user.id(), user.email(), user.firstName(), user.lastName(), user.verified(), viewer.clientId(),
                orgs);
    }
}
