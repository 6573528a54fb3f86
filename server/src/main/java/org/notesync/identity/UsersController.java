package org.notesync.identity;

import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import org.notesync.web.ApiException;
import org.notesync.web.CollectionQuery;
import org.notesync.web.Page;
import org.notesync.web.Representations;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The clinicians of the caller's organization (scope {@code organization}), so a practice system can map
 * them to its own users and name one when it creates a note with an organization-wide token.
 */
@RestController
class UsersController {

    static final Representations.ResourceType USER = new Representations.ResourceType("User", "/users");

    @Schema(name = "User")
    record Clinician(UUID uuid, String firstName, String lastName) {
    }

    private final Accounts accounts;
    private final Representations representations;

    UsersController(Accounts accounts, Representations representations) {
        this.accounts = accounts;
        this.representations = representations;
    }

    @GetMapping("/users")
    ResponseEntity<Object> list(Viewer viewer, @RequestParam MultiValueMap<String, String> parameters,
            HttpServletRequest request) {
        CollectionQuery query = new CollectionQuery(parameters);
        int page = query.page();
        int size = query.itemsPerPage();
        List<Clinician> all = accounts.users(viewer.organizationId()).stream()
                .map(u -> new Clinician(u.id(), u.firstName(), u.lastName())).toList();
        int from = (int) Math.min(all.size(), (long) (page - 1) * size);
        int to = Math.min(all.size(), from + size);
        return representations.collection(request, USER, new Page<>(all.subList(from, to), all.size(), page, size),
                Clinician::uuid);
    }

    @GetMapping("/users/{uuid}")
    ResponseEntity<Object> get(Viewer viewer, @PathVariable UUID uuid, HttpServletRequest request) {
        Accounts.User user = accounts.user(viewer.organizationId(), uuid)
                .orElseThrow(() -> ApiException.notFound("User"));
        return representations.item(request, USER, user.id(),
                new Clinician(user.id(), user.firstName(), user.lastName()));
    }
}
