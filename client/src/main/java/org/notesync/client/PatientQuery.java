package org.notesync.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Filters for {@code GET /patients}. */
public final class PatientQuery extends Query<PatientQuery> {

    private PatientQuery() {
    }

    public static PatientQuery create() {
        return new PatientQuery();
    }

    /** Patients with these ids in your system (the {@code externalId} you gave them). */
    public PatientQuery externalId(String... externalIds) {
        return exact("externalId", List.of(externalIds));
    }

    /** Patients owned by these clinicians. */
    public PatientQuery user(UUID... users) {
        return ids("user", users);
    }

    /** Case-insensitive search on first and last names; every word must match. */
    public PatientQuery search(String text) {
        return set("search", text);
    }

    public PatientQuery createdAfter(Instant instant) {
        return date("createdAt", "after", instant);
    }

    public PatientQuery createdBefore(Instant instant) {
        return date("createdAt", "before", instant);
    }

    public PatientQuery updatedAfter(Instant instant) {
        return date("updatedAt", "after", instant);
    }

    public PatientQuery updatedBefore(Instant instant) {
        return date("updatedAt", "before", instant);
    }

    public PatientQuery synchronizedAfter(Instant instant) {
        return date("synchronizedAt", "after", instant);
    }

    public PatientQuery synchronizedBefore(Instant instant) {
        return date("synchronizedAt", "before", instant);
    }

    public PatientQuery orderByCreatedAt(Order order) {
        return orderBy("createdAt", order);
    }

    public PatientQuery orderByUpdatedAt(Order order) {
        return orderBy("updatedAt", order);
    }

    public PatientQuery orderByLastName(Order order) {
        return orderBy("lastName", order);
    }
}
