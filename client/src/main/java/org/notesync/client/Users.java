package org.notesync.client;

import java.util.UUID;

/** {@code /users}: the clinicians of the caller's organization (scope {@code organization}). */
public final class Users {

    private final Api api;

    Users(Api api) {
        this.api = api;
    }

    public Pages<UserSummary> list() {
        return api.list("/users", null, UserSummary.class);
    }

    public Pages<UserSummary> list(PageQuery query) {
        return api.list("/users", query, UserSummary.class);
    }

    public UserSummary get(UUID uuid) {
        return api.get("/users/" + uuid, UserSummary.class);
    }
}
