package org.notesync.client;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * Filters for {@code GET /notes}, for example
 * {@code NoteQuery.create().createdAfter(since).patient(uuid).orderByCreatedAt(Order.ASC).itemsPerPage(100)}.
 */
public final class NoteQuery extends Query<NoteQuery> {

    private NoteQuery() {
    }

    public static NoteQuery create() {
        return new NoteQuery();
    }

    /** Notes of these patients. */
    public NoteQuery patient(UUID... patients) {
        return ids("patient", patients);
    }

    /** Notes generated from these audios. */
    public NoteQuery audio(UUID... audios) {
        return ids("audio", audios);
    }

    /** Notes of these clinicians. */
    public NoteQuery user(UUID... users) {
        return ids("user", users);
    }

    /** Notes of these types, such as {@code consultation_summary}. */
    public NoteQuery type(String... types) {
        return exact("type", java.util.List.of(types));
    }

    /** {@code createdAt[after]}: created at or after the instant. */
    public NoteQuery createdAfter(Instant instant) {
        return date("createdAt", "after", instant);
    }

    /** {@code createdAt[after]=2026-02-17}: created on or after that day (midnight UTC). */
    public NoteQuery createdAfter(LocalDate day) {
        return date("createdAt", "after", day);
    }

    public NoteQuery createdStrictlyAfter(Instant instant) {
        return date("createdAt", "strictly_after", instant);
    }

    public NoteQuery createdBefore(Instant instant) {
        return date("createdAt", "before", instant);
    }

    public NoteQuery createdStrictlyBefore(Instant instant) {
        return date("createdAt", "strictly_before", instant);
    }

    public NoteQuery updatedAfter(Instant instant) {
        return date("updatedAt", "after", instant);
    }

    public NoteQuery updatedStrictlyAfter(Instant instant) {
        return date("updatedAt", "strictly_after", instant);
    }

    public NoteQuery updatedBefore(Instant instant) {
        return date("updatedAt", "before", instant);
    }

    public NoteQuery updatedStrictlyBefore(Instant instant) {
        return date("updatedAt", "strictly_before", instant);
    }

    public NoteQuery orderByCreatedAt(Order order) {
        return orderBy("createdAt", order);
    }

    public NoteQuery orderByUpdatedAt(Order order) {
        return orderBy("updatedAt", order);
    }
}
