package org.notesync.patient;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.notesync.identity.Viewer;
import org.notesync.web.Dates;
import org.notesync.web.IdempotencyKeys;
import org.notesync.web.ListReads;
import org.notesync.web.Page;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Patients of an organization. Every query is scoped to the viewer's organization and to what the
 * viewer may see (a private patient only by its owner); a deleted patient is gone for the API but its
 * row stays, because its notes still point at it.
 */
@Service
class Patients {

    private static final String SELECT = """
            SELECT p.id, p.user_id, p.first_name, p.last_name, p.language_spoken, p.date_of_birth, p.gender,
                   p.visibility_option, p.external_id, p.external_created_at, p.email, p.phone, p.anonymous_code,
                   p.created_at, p.updated_at, p.synchronized_at,
                   u.first_name AS owner_first_name, u.last_name AS owner_last_name
            FROM patients p
            LEFT JOIN users u ON u.id = p.user_id
            """;

    private final JdbcClient jdbc;
    private final ListReads lists;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final PatientChanges changes;
    private final IdempotencyKeys keys;

    Patients(JdbcClient jdbc, ListReads lists, Clock clock, ApplicationEventPublisher events,
            PatientChanges changes, IdempotencyKeys keys) {
        this.jdbc = jdbc;
        this.keys = keys;
        this.lists = lists;
        this.clock = clock;
        this.events = events;
        this.changes = changes;
    }

    /**
     * What a create did: wrote {@code patient}, or wrote nothing because its Idempotency-Key had already created
     * the patient {@code earlier}.
     */
    record Created(Patient patient, UUID earlier) {
    }

    /**
     * Writes a patient.
     *
     * @param claim the request's Idempotency-Key, taken in the patient's transaction, or null: when a create with
     *              the same key committed first, nothing is written and the answer names that one's patient
     */
    @Transactional
    Created create(Viewer viewer, PatientFields fields, IdempotencyKeys.Claim claim) {
        UUID id = UUID.randomUUID();
        Optional<UUID> earlier = claim == null ? Optional.empty() : keys.record(claim, id);
        if (earlier.isPresent()) {
            return new Created(null, earlier.get());
        }
        OffsetDateTime now = Dates.now(clock).atOffset(ZoneOffset.UTC);
        Map<String, Object> values = columns(fields);
        values.put("id", id);
        values.put("org", viewer.organizationId());
        values.put("now", now);
        jdbc.sql("""
                INSERT INTO patients (id, organization_id, user_id, first_name, last_name, language_spoken,
                                      date_of_birth, gender, visibility_option, external_id, external_created_at,
                                      email, phone, anonymous_code, synchronized_at, created_at, updated_at)
                VALUES (:id, :org, :owner, :firstName, :lastName, :languageSpoken, :dateOfBirth, :gender,
                        :visibilityOption, :externalId, :externalCreatedAt, :email, :phone, :anonymousCode,
                        :synchronizedAt, :now, :now)""")
                .params(values).update();
        return new Created(byId(viewer.organizationId(), id).orElseThrow(), null);
    }

    /** Whether the organization has the patient (not deleted), whoever may read it. */
    boolean exists(Viewer viewer, UUID id) {
        return byId(viewer.organizationId(), id).isPresent();
    }

    Optional<Patient> find(Viewer viewer, UUID id) {
        return byId(viewer.organizationId(), id)
                .filter(p -> viewer.sees(p.visibilityOption(), p.user() == null ? null : p.user().uuid()));
    }

    Page<Patient> list(Viewer viewer, PatientFilter filter, int page, int itemsPerPage) {
        return lists.page("SELECT COUNT(*) FROM patients p", SELECT, filter.where(viewer), filter.orderBy(),
                Patients::patient, page, itemsPerPage);
    }

    /**
     * Applies {@code changes} to the stored fields of a patient the viewer sees, under a row lock so that
     * two PATCHes of different fields do not undo each other. The changes may throw to refuse.
     */
    @Transactional
    Optional<Patient> update(Viewer viewer, UUID id, UnaryOperator<PatientFields> changes) {
        Optional<PatientFields> current = locked(viewer, id);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        PatientFields changed = changes.apply(current.get());
        Map<String, Object> values = columns(changed);
        values.put("id", id);
        values.put("org", viewer.organizationId());
        values.put("now", Dates.now(clock).atOffset(ZoneOffset.UTC));
        jdbc.sql("""
                UPDATE patients SET user_id = :owner, first_name = :firstName, last_name = :lastName,
                       language_spoken = :languageSpoken, date_of_birth = :dateOfBirth, gender = :gender,
                       visibility_option = :visibilityOption, external_id = :externalId,
                       external_created_at = :externalCreatedAt, email = :email, phone = :phone,
                       anonymous_code = :anonymousCode, synchronized_at = :synchronizedAt, updated_at = :now
                WHERE id = :id AND organization_id = :org""")
                .params(values).update();
        if (!Objects.equals(current.get().visibilityOption(), changed.visibilityOption())
                || !Objects.equals(current.get().ownerId(), changed.ownerId())) {
            // Who may read the patient's notes changed: readers of the change feed who could not see them
            // are past their numbers. Losing them puts the notes back in the feed, after everything seen so
            // far (numbered again once this commits, on PatientAccessChanged); updatedAt stays, so readers
            // who had them skip them as known. Unnumbered notes are written too: the row lock keeps the
            // sequencer (which skips locked rows) from numbering one, a note edited a moment ago, before
            // this change commits: a number readers who could not see the note would pass for good.
            jdbc.sql("UPDATE notes SET feed_seq = NULL WHERE patient_id = :id AND organization_id = :org")
                    .param("id", id).param("org", viewer.organizationId()).update();
            events.publishEvent(new PatientAccessChanged(viewer.organizationId(), id,
                    new PatientAccessChanged.Access(current.get().visibilityOption(), current.get().ownerId()),
                    new PatientAccessChanged.Access(changed.visibilityOption(), changed.ownerId())));
        }
        return byId(viewer.organizationId(), id);
    }

    /**
     * Soft delete: the patient leaves the API, its notes stay. False when the viewer sees no such patient.
     * {@code mayDelete} is given the owner under the row lock, so that a reassignment committed in between
     * is the one it judges; it may throw to refuse.
     */
    @Transactional
    boolean delete(Viewer viewer, UUID id, Consumer<UUID> mayDelete) {
        Optional<PatientFields> current = locked(viewer, id);
        if (current.isEmpty()) {
            return false;
        }
        mayDelete.accept(current.get().ownerId());
        OffsetDateTime now = Dates.now(clock).atOffset(ZoneOffset.UTC);
        return jdbc.sql("""
                        UPDATE patients SET deleted_at = :now, updated_at = :now
                        WHERE id = :id AND organization_id = :org AND deleted_at IS NULL""")
                .param("now", now).param("id", id).param("org", viewer.organizationId())
                .update() == 1;
    }

    /**
     * The stored fields of a patient the viewer sees, locked until the transaction ends, with the change's
     * advisory lock that new notes for the patient wait for ({@link PatientChanges}).
     */
    Optional<PatientFields> locked(Viewer viewer, UUID id) {
        changes.begin(id);
        return jdbc.sql("""
                        SELECT * FROM patients
                        WHERE id = :id AND organization_id = :org AND deleted_at IS NULL FOR UPDATE""")
                .param("id", id).param("org", viewer.organizationId())
                .query(Patients::fields).optional()
                .filter(f -> viewer.sees(f.visibilityOption(), f.ownerId()));
    }

    private Optional<Patient> byId(UUID organizationId, UUID id) {
        return jdbc.sql(SELECT + "WHERE p.id = :id AND p.organization_id = :org AND p.deleted_at IS NULL")
                .param("id", id).param("org", organizationId)
                .query(Patients::patient).optional();
    }

    /** Named parameters for the writable columns, shared by INSERT and UPDATE. */
    private static Map<String, Object> columns(PatientFields f) {
        Map<String, Object> values = new HashMap<>();
        values.put("owner", f.ownerId());
        values.put("firstName", f.firstName());
        values.put("lastName", f.lastName());
        values.put("languageSpoken", f.languageSpoken());
        values.put("dateOfBirth", f.dateOfBirth());
        values.put("gender", f.gender());
        values.put("visibilityOption", f.visibilityOption());
        values.put("externalId", f.externalId());
        values.put("externalCreatedAt", utc(f.externalCreatedAt()));
        values.put("email", f.email());
        values.put("phone", f.phone());
        values.put("anonymousCode", f.anonymousCode());
        values.put("synchronizedAt", utc(f.synchronizedAt()));
        return values;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static PatientFields fields(ResultSet rs, int row) throws SQLException {
        return new PatientFields(rs.getString("first_name"), rs.getString("last_name"),
                rs.getString("language_spoken"), rs.getObject("date_of_birth", LocalDate.class),
                rs.getString("gender"), rs.getString("visibility_option"), rs.getString("external_id"),
                instant(rs, "external_created_at"), rs.getString("email"), rs.getString("phone"),
                rs.getString("anonymous_code"), instant(rs, "synchronized_at"), rs.getObject("user_id", UUID.class));
    }

    private static Patient patient(ResultSet rs, int row) throws SQLException {
        UUID owner = rs.getObject("user_id", UUID.class);
        return new Patient(rs.getObject("id", UUID.class), rs.getString("first_name"), rs.getString("last_name"),
                rs.getString("language_spoken"), rs.getObject("date_of_birth", LocalDate.class),
                rs.getString("gender"), rs.getString("visibility_option"), rs.getString("external_id"),
                instant(rs, "external_created_at"), rs.getString("email"), rs.getString("phone"),
                rs.getString("anonymous_code"), instant(rs, "created_at"), instant(rs, "updated_at"),
                instant(rs, "synchronized_at"),
                owner == null ? null : new Patient.Owner(owner, rs.getString("owner_first_name"),
                        rs.getString("owner_last_name")));
    }
}
