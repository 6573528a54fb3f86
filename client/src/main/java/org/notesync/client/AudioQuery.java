package org.notesync.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Filters for {@code GET /audios}. */
public final class AudioQuery extends Query<AudioQuery> {

    private AudioQuery() {
    }

    public static AudioQuery create() {
        return new AudioQuery();
    }

    public AudioQuery patient(UUID... patients) {
        return ids("patient", patients);
    }

    public AudioQuery user(UUID... users) {
        return ids("user", users);
    }

    public AudioQuery languageSpoken(String... languages) {
        return exact("languageSpoken", List.of(languages));
    }

    /** Audios in these states, such as {@code completed} or {@code failed}. */
    public AudioQuery status(String... statuses) {
        return exact("status", List.of(statuses));
    }

    /** Accent- and case-insensitive search in the transcriptions; every word must appear. */
    public AudioQuery search(String text) {
        return set("search", text);
    }

    public AudioQuery createdAfter(Instant instant) {
        return date("createdAt", "after", instant);
    }

    public AudioQuery createdBefore(Instant instant) {
        return date("createdAt", "before", instant);
    }

    public AudioQuery updatedAfter(Instant instant) {
        return date("updatedAt", "after", instant);
    }

    public AudioQuery updatedBefore(Instant instant) {
        return date("updatedAt", "before", instant);
    }

    public AudioQuery orderByCreatedAt(Order order) {
        return orderBy("createdAt", order);
    }

    public AudioQuery orderByUpdatedAt(Order order) {
        return orderBy("updatedAt", order);
    }
}
