package org.notesync.client;

import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One event of a webhook request.
 *
 * @param id           for a note event, the note's uuid
 * @param resourceType {@code note}
 * @param metadata     carries the note for {@code new_note} and {@code updated_note}
 */
public record WebhookEvent(String id, @JsonProperty("resource_type") String resourceType, Action action,
        Metadata metadata, @JsonProperty("resource_metadata") ResourceMetadata resourceMetadata) {

    public enum Action {
        @JsonProperty("new_note") NEW_NOTE,
        @JsonProperty("updated_note") UPDATED_NOTE,
        /** Sent by {@code POST /webhooks/{uuid}/test}: answer 2xx, nothing to import. */
        @JsonProperty("ping") PING,
        /** An action this version of the SDK does not know: ignore it, and upgrade. */
        @JsonEnumDefaultValue UNKNOWN
    }

    /** @param webhook for a {@code ping}, the webhook tested */
    public record Metadata(Note note, WebhookReference webhook) {
    }

    public record WebhookReference(UUID uuid) {
    }

    /** @param userId the clinician the note belongs to */
    public record ResourceMetadata(@JsonProperty("user_id") UUID userId,
            @JsonProperty("organization_id") UUID organizationId) {
    }

    /**
     * The note, for {@code new_note} and {@code updated_note}. The guide's payload carries the note without its
     * clinician, and names the clinician in {@code resource_metadata.user_id}: the note's {@link Note#user()} is
     * that clinician's uuid (without names), so a note has its author whether it came by webhook or by polling.
     */
    public Optional<Note> note() {
        return Optional.ofNullable(metadata).map(Metadata::note).map(note -> note.user() != null
                || resourceMetadata == null || resourceMetadata.userId() == null ? note
                : new Note(note.uuid(), note.type(), note.content(), note.createdAt(), note.updatedAt(),
                        note.patient(), note.audio(), new UserSummary(resourceMetadata.userId(), null, null)));
    }
}
