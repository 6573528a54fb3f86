package org.notesync.note;

import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import org.notesync.identity.Scopes;
import org.notesync.identity.Viewer;
import org.notesync.web.ApiException;
import org.notesync.web.CollectionQuery;
import org.notesync.web.IdempotencyKeys;
import org.notesync.web.JsonFields;
import org.notesync.web.Representations;
import org.notesync.web.Violation;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /notes}: listed and read for polling, and written from outside the audio pipeline. A note
 * about a patient the caller cannot see is refused as if the patient did not exist.
 */
@RestController
class NoteController {

    static final Representations.ResourceType NOTE = new Representations.ResourceType("Note", "/notes");
    private static final String LD_JSON = "application/ld+json";
    private static final String JSON = "application/json";
    private static final String MERGE_PATCH = "application/merge-patch+json";
    /**
     * One note: any segment but {@code feed}, which is NoteFeedController's, so that a PATCH to the feed is a
     * 405 rather than a UUID that does not parse, and the feed's Allow header does not offer PATCH.
     */
    private static final String ONE_NOTE = "/notes/{uuid:(?!feed$).+}";

    private final Notes notes;
    private final Representations representations;
    private final IdempotencyKeys keys;

    NoteController(Notes notes, Representations representations, IdempotencyKeys keys) {
        this.notes = notes;
        this.representations = representations;
        this.keys = keys;
    }

    @GetMapping(path = "/notes", produces = {LD_JSON, JSON})
    ResponseEntity<Object> list(Viewer viewer, @RequestParam MultiValueMap<String, String> parameters,
            HttpServletRequest request) {
        CollectionQuery query = new CollectionQuery(parameters);
        NoteFilter filter = NoteFilter.of(query);
        return representations.collection(request, NOTE,
                notes.list(viewer, filter, query.page(), query.itemsPerPage()), Note::uuid);
    }

    @GetMapping(path = ONE_NOTE, produces = {LD_JSON, JSON})
    ResponseEntity<Object> get(Viewer viewer, @PathVariable UUID uuid, HttpServletRequest request) {
        Note note = notes.find(viewer, uuid).orElseThrow(() -> ApiException.notFound("Note"));
        return representations.item(request, NOTE, note.uuid(), note);
    }

    @PostMapping(path = "/notes", consumes = {JSON, LD_JSON}, produces = {LD_JSON, JSON})
    ResponseEntity<Object> create(Viewer viewer, @RequestBody JsonNode body, HttpServletRequest request) {
        // Sent again with the key of a create that committed: its note, as it is now, whatever this body says.
        Optional<IdempotencyKeys.Claim> claim = keys.claim(request, viewer.organizationId(), viewer.clientId(),
                viewer.userId(), "POST /notes", body);
        Optional<UUID> earlier = claim.flatMap(keys::created);
        if (earlier.isPresent()) {
            return replayed(viewer, earlier.get(), request);
        }
        JsonFields fields = JsonFields.of(body);
        // The patient and the clinician, read once for the checks below and for the note itself; the note is
        // then written in a transaction shared with the creates that arrive meanwhile (Notes' group commit).
        UUID author = viewer.userId() != null ? viewer.userId() : fields.wellFormedReference("user").orElse(null);
        UUID patientId = fields.wellFormedReference("patient").orElse(null);
        Notes.Created created = notes.create(viewer.organizationId(), patientId, author,
                subjects -> {
                    UUID patient = fields.requiredReference("patient");
                    if (patient != null && !subjects.patientVisibleTo(viewer)) {
                        fields.reject("patient", "This patient does not exist.", Violation.NOT_FOUND);
                    }
                    String type = fields.requiredString("type", Notes.MAX_TYPE);
                    if (type != null) {
                        Notes.typeViolations("type", type)
                                .forEach(v -> fields.reject(v.propertyPath(), v.message(), v.code()));
                    }
                    String content = fields.requiredText("content", Notes.MAX_CONTENT);
                    UUID audio = fields.reference("audio").orElse(null);
                    UUID user = author(viewer, fields, subjects);
                    fields.validate();
                    return new NewNote(viewer.organizationId(), patient, user, audio, type, content);
                }, claim.orElse(null));
        if (created.earlier() != null) {
            return replayed(viewer, created.earlier(), request);
        }
        UUID id = created.note().uuid();
        return representations.created(request, NOTE, id,
                Representations.shown(viewer.hasScope(Scopes.READ_NOTES), id, created.note()), false);
    }

    /** What the key this request sent again created (Representations#replayed). */
    private ResponseEntity<Object> replayed(Viewer viewer, UUID earlier, HttpServletRequest request) {
        keys.countReplay();
        return representations.replayed(request, NOTE, earlier,
                viewer.hasScope(Scopes.READ_NOTES) ? notes.find(viewer, earlier) : Optional.empty(),
                () -> notes.exists(viewer, earlier));
    }

    @PatchMapping(path = ONE_NOTE, consumes = {MERGE_PATCH, JSON, LD_JSON}, produces = {LD_JSON, JSON})
    ResponseEntity<Object> patch(Viewer viewer, @PathVariable UUID uuid, @RequestBody JsonNode body,
            HttpServletRequest request) {
        JsonFields fields = JsonFields.of(body);
        if (viewer.userId() != null && notes.find(viewer, uuid)
                .filter(note -> !viewer.userId().equals(note.user().uuid())).isPresent()) {
            // The note stays signed by its author: a colleague's token may read it but not rewrite it.
            throw ApiException.forbidden("A note is edited by the clinician who wrote it or by the organization's "
                    + "integration.");
        }
        String type = null;
        String content = null;
        if (fields.has("type")) {
            type = fields.requiredString("type", Notes.MAX_TYPE);
            if (type != null) {
                Notes.typeViolations("type", type).forEach(v -> fields.reject(v.propertyPath(), v.message(), v.code()));
            }
        }
        if (fields.has("content")) {
            content = fields.requiredText("content", Notes.MAX_CONTENT);
        }
        fields.validate();
        Note note = notes.update(viewer, uuid, type, content).orElseThrow(() -> ApiException.notFound("Note"));
        return representations.item(request, NOTE, note.uuid(),
                Representations.shown(viewer.hasScope(Scopes.READ_NOTES), note.uuid(), note));
    }

    /**
     * Who wrote the note: a clinician's token writes as that clinician; an integration's token has no
     * clinician, so it must name one of the organization's.
     */
    private static UUID author(Viewer viewer, JsonFields fields, Notes.Subjects subjects) {
        if (viewer.userId() != null) {
            Optional<UUID> named = fields.reference("user");
            if (named.isPresent() && !named.get().equals(viewer.userId())) {
                fields.reject("user", "A clinician's token writes notes as that clinician.", Violation.INVALID_CHOICE);
            }
            return viewer.userId();
        }
        UUID named = fields.requiredReference("user");
        if (named != null && subjects.clinician().isEmpty()) {
            fields.reject("user", "This clinician does not exist.", Violation.NOT_FOUND);
            return null;
        }
        return named;
    }
}
