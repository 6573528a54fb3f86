package org.notesync.patient;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import org.notesync.identity.Accounts;
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
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /patients}. The owner of a patient created with a clinician's token is that clinician; an
 * integration's token may name one in {@code user}, and a patient without an owner cannot be private
 * since nobody could see it.
 */
@RestController
class PatientController {

    static final Representations.ResourceType PATIENT = new Representations.ResourceType("Patient", "/patients");
    private static final String LD_JSON = "application/ld+json";
    private static final String JSON = "application/json";
    private static final String MERGE_PATCH = "application/merge-patch+json";

    private final Patients patients;
    private final Accounts accounts;
    private final Representations representations;
    private final Clock clock;
    private final IdempotencyKeys keys;

    PatientController(Patients patients, Accounts accounts, Representations representations, Clock clock,
            IdempotencyKeys keys) {
        this.keys = keys;
        this.patients = patients;
        this.accounts = accounts;
        this.representations = representations;
        this.clock = clock;
    }

    @GetMapping(path = "/patients", produces = {LD_JSON, JSON})
    ResponseEntity<Object> list(Viewer viewer, @RequestParam MultiValueMap<String, String> parameters,
            HttpServletRequest request) {
        CollectionQuery query = new CollectionQuery(parameters);
        PatientFilter filter = PatientFilter.of(query);
        return representations.collection(request, PATIENT,
                patients.list(viewer, filter, query.page(), query.itemsPerPage()), Patient::uuid);
    }

    @GetMapping(path = "/patients/{uuid}", produces = {LD_JSON, JSON})
    ResponseEntity<Object> get(Viewer viewer, @PathVariable UUID uuid, HttpServletRequest request) {
        Patient patient = patients.find(viewer, uuid).orElseThrow(() -> ApiException.notFound("Patient"));
        return representations.item(request, PATIENT, patient.uuid(), patient);
    }

    @PostMapping(path = "/patients", consumes = {JSON, LD_JSON}, produces = {LD_JSON, JSON})
    ResponseEntity<Object> create(Viewer viewer, @RequestBody JsonNode body, HttpServletRequest request) {
        // Sent again with the key of a create that committed: its patient, as it is now, whatever this body says.
        Optional<IdempotencyKeys.Claim> claim = keys.claim(request, viewer.organizationId(), viewer.clientId(),
                viewer.userId(), "POST /patients", body);
        Optional<UUID> earlier = claim.flatMap(keys::created);
        if (earlier.isPresent()) {
            return replayed(viewer, earlier.get(), request);
        }
        JsonFields fields = JsonFields.of(body);
        fields.requirePresent("firstName");
        fields.requirePresent("lastName");
        PatientFields patient = PatientFields.merge(fields, PatientFields.NONE, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC))
                .withOwner(creationOwner(viewer, fields));
        requireOwnerIfPrivate(fields, patient);
        fields.validate();
        Patients.Created created = patients.create(viewer, patient, claim.orElse(null));
        if (created.earlier() != null) {
            return replayed(viewer, created.earlier(), request);
        }
        UUID id = created.patient().uuid();
        return representations.created(request, PATIENT, id,
                Representations.shown(viewer.hasScope(Scopes.READ_PATIENTS), id, created.patient()), false);
    }

    /** What the key this request sent again created (Representations#replayed); a 404 once deleted. */
    private ResponseEntity<Object> replayed(Viewer viewer, UUID earlier, HttpServletRequest request) {
        keys.countReplay();
        return representations.replayed(request, PATIENT, earlier,
                viewer.hasScope(Scopes.READ_PATIENTS) ? patients.find(viewer, earlier) : Optional.empty(),
                () -> patients.exists(viewer, earlier));
    }

    @PatchMapping(path = "/patients/{uuid}", consumes = {MERGE_PATCH, JSON, LD_JSON}, produces = {LD_JSON, JSON})
    ResponseEntity<Object> patch(Viewer viewer, @PathVariable UUID uuid, @RequestBody JsonNode body,
            HttpServletRequest request) {
        JsonFields fields = JsonFields.of(body);
        boolean ownerGiven = fields.has("user");
        UUID owner = ownerGiven ? sameOrganizationClinician(viewer, fields) : null;
        Patient patient = patients.update(viewer, uuid, current -> {
            if ((ownerGiven || fields.has("visibilityOption")) && !ownedByCaller(viewer, current.ownerId())) {
                throw ApiException.forbidden("A patient's owner and visibility are changed by its clinician or by "
                        + "the organization's integration.");
            }
            PatientFields changed = PatientFields.merge(fields, current, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
            if (ownerGiven) {
                changed = changed.withOwner(owner);
            }
            requireOwnerIfPrivate(fields, changed);
            fields.validate();
            return changed;
        }).orElseThrow(() -> ApiException.notFound("Patient"));
        return representations.item(request, PATIENT, patient.uuid(),
                Representations.shown(viewer.hasScope(Scopes.READ_PATIENTS), patient.uuid(), patient));
    }

    @DeleteMapping("/patients/{uuid}")
    ResponseEntity<Void> delete(Viewer viewer, @PathVariable UUID uuid) {
        boolean deleted = patients.delete(viewer, uuid, owner -> {
            if (!ownedByCaller(viewer, owner)) {
                throw ApiException.forbidden("A patient is deleted by its clinician or by the organization's "
                        + "integration.");
            }
        });
        if (!deleted) {
            throw ApiException.notFound("Patient");
        }
        return ResponseEntity.noContent().build();
    }

    /**
     * Whether the caller may change who a patient belongs to, or remove it: an organization-wide token
     * always; a clinician's only for its own patients, so that no colleague can take one over, hide it
     * from its clinician and the practice system, or delete it.
     */
    private static boolean ownedByCaller(Viewer viewer, UUID ownerId) {
        return viewer.userId() == null || viewer.userId().equals(ownerId);
    }

    /** A clinician's token creates that clinician's patients; an integration's may name any of its clinicians. */
    private UUID creationOwner(Viewer viewer, JsonFields fields) {
        if (viewer.userId() == null) {
            return sameOrganizationClinician(viewer, fields);
        }
        Optional<UUID> named = fields.reference("user");
        if (named.isPresent() && !named.get().equals(viewer.userId())) {
            fields.reject("user", "A clinician's token creates patients owned by that clinician.",
                    Violation.INVALID_CHOICE);
        }
        return viewer.userId();
    }

    /** The clinician named in {@code user}, or null; another organization's is as unknown as a made-up one. */
    private UUID sameOrganizationClinician(Viewer viewer, JsonFields fields) {
        Optional<UUID> named = fields.reference("user");
        if (named.isEmpty()) {
            return null;
        }
        if (accounts.user(viewer.organizationId(), named.get()).isEmpty()) {
            fields.reject("user", "This clinician does not exist.", Violation.NOT_FOUND);
            return null;
        }
        return named.get();
    }

    private static void requireOwnerIfPrivate(JsonFields fields, PatientFields patient) {
        if (patient.isPrivate() && patient.ownerId() == null) {
            fields.reject("visibilityOption", "A private patient needs an owner: name a clinician in user.",
                    Violation.INVALID_CHOICE);
        }
    }
}
