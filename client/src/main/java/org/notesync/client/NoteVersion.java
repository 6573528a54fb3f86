package org.notesync.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * One version of a note: its {@code updatedAt} and a fingerprint of its type and content. The API shows
 * {@code updatedAt} to the second, so two edits within one second share it; the fingerprint tells them
 * apart. Store both to deduplicate (see {@link ProcessedNotes}); neither reveals the content.
 */
public record NoteVersion(Instant updatedAt, String fingerprint) {

    public NoteVersion {
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    public static NoteVersion of(Note note) {
        Instant at = note.updatedAt() != null ? note.updatedAt()
                : note.createdAt() != null ? note.createdAt() : Instant.EPOCH;
        return new NoteVersion(at, fingerprint(note.type(), note.content()));
    }

    /** Whether a note at this version is already covered by {@code processed}: the same, or older. */
    public boolean isCoveredBy(NoteVersion processed) {
        if (processed == null) {
            return false;
        }
        int order = updatedAt.compareTo(processed.updatedAt);
        return order < 0 || order == 0 && fingerprint.equals(processed.fingerprint);
    }

    static String fingerprint(String type, String content) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(String.valueOf(type).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(String.valueOf(content).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest()).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
