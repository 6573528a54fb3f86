package org.notesync.note;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.notesync.identity.Viewer;
import org.notesync.patient.PatientChanges;
import org.notesync.web.ApiException;
import org.notesync.web.CollectionQuery;
import org.notesync.web.Databases;
import org.notesync.web.Dates;
import org.notesync.web.IdempotencyKeys;
import org.notesync.web.ListReads;
import org.notesync.web.Page;
import org.notesync.web.SqlWhere;
import org.notesync.web.ValidationException;
import org.notesync.web.Violation;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.LinkedMultiValueMap;

/**
 * Clinical notes. Writing one publishes a {@link NoteEvent} inside the writing transaction, so a
 * listener's rows (the webhook outbox) commit or roll back with the note.
 */
@Service
public class Notes implements DisposableBean {

    /** A free type name such as {@code consultation_summary}. */
    static final Pattern TYPE = Pattern.compile("^[a-z][a-z0-9_]{0,63}$");
    static final int MAX_TYPE = 64;
    public static final int MAX_CONTENT = 100_000;

    // Notes read their patient's names and visibility and their clinician's names straight from those
    // tables: the visibility has to be part of the query for counts and pages to be right.
    private static final String SELECT = """
            SELECT n.id, n.organization_id, n.type, n.content, n.created_at, n.updated_at, n.audio_id,
                   n.patient_id, p.first_name AS patient_first_name, p.last_name AS patient_last_name,
                   p.visibility_option AS patient_visibility, p.user_id AS patient_owner,
                   n.user_id, u.first_name AS user_first_name, u.last_name AS user_last_name
            FROM notes n
            JOIN patients p ON p.id = n.patient_id
            JOIN users u ON u.id = n.user_id
            """;

    private static final String INSERT = """
            INSERT INTO notes (id, organization_id, patient_id, user_id, audio_id, type, content,
                               created_at, updated_at, feed_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, %s)""";
    private static final String INSERT_NUMBERED = INSERT.formatted(FeedSequencer.NEXT);
    private static final String INSERT_UNNUMBERED = INSERT.formatted("NULL");

    /** A note with what decides who sees it. */
    record Stored(Note note, UUID organizationId, String patientVisibility, UUID patientOwnerId) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final ListReads lists;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final GroupCommit<Checked, Created> creates;
    private final IdempotencyKeys keys;
    /** How a create's transaction locks its patients' rows, to read who may see them as of its commit. */
    private final String patientLock;
    private final String lastFeedNumber;
    /** The feed's lock as this database takes it ({@link FeedSequencer#lock}). */
    private final String feedLock;
    private final PatientChanges patientChanges;

    Notes(JdbcClient jdbc, JdbcTemplate batch, ListReads lists, ApplicationEventPublisher events, Clock clock,
            PlatformTransactionManager transactions, ObjectProvider<MeterRegistry> meters,
            @Value("${notesync.notes.writers:2}") int writers,
            @Value("${notesync.notes.max-batch:64}") int maxBatch, DataSource dataSource,
            PatientChanges patientChanges, IdempotencyKeys keys) {
        this.jdbc = jdbc;
        this.keys = keys;
        this.patientChanges = patientChanges;
        // PostgreSQL: the lock the note's foreign key takes anyway. H2 has no shared row lock.
        boolean postgres = Databases.isPostgres(dataSource);
        this.patientLock = postgres ? "FOR KEY SHARE" : "";
        this.lastFeedNumber = FeedSequencer.lastTaken(postgres);
        this.feedLock = FeedSequencer.lock(postgres);
        this.batch = batch;
        this.lists = lists;
        this.events = events;
        this.clock = clock;
        DistributionSummary batchSizes = DistributionSummary.builder("notesync.notes.create.batch")
                .description("API note creates written in one transaction by the group commit")
                .register(meters.getIfAvailable(SimpleMeterRegistry::new));
        // A few writers, each a connection at most: the creates queued while one commits go in the next.
        this.creates = new GroupCommit<>("notes", writers, maxBatch, new TransactionTemplate(transactions),
                checked -> insert(checked, true), Databases::connectionLost, batchSizes);
    }

    @Override
    public void destroy() {
        creates.close();
    }

    /**
     * Writes a note and publishes {@link NoteEvent.Action#CREATED} in the same transaction.
     *
     * @throws ValidationException when the type or content is invalid, or the patient, clinician or audio
     *                             is not one of the organization's (a deleted patient counts as none)
     */
    @Transactional
    public Note create(NewNote note) {
        Subjects subjects = subjects(note.organizationId(), note.patientId(), note.userId());
        validate(note, subjects);
        return insert(List.of(new Checked(note, subjects, null)), false).get(0).note();
    }

    /**
     * The API's create: reads a new note's patient and clinician, lets {@code check} validate the request
     * against them and build the note (or throw {@link ValidationException}), and writes it through the
     * group commit, in a transaction shared with the creates that arrive meanwhile; returns after it has
     * committed.
     *
     * @param claim the request's Idempotency-Key, taken in the note's transaction, or null: when a create with
     *              the same key committed first, no note is written and the answer names that one's
     */
    Created create(UUID organizationId, UUID patientId, UUID userId, Function<Subjects, NewNote> check,
            IdempotencyKeys.Claim claim) {
        Subjects subjects = subjects(organizationId, patientId, userId);
        NewNote note = check.apply(subjects);
        validate(note, subjects);
        Created created = creates.submit(new Checked(note, subjects, claim));
        if (created.refused() != null) {
            throw created.refused();
        }
        return created;
    }

    /**
     * What a create did: wrote {@code note}, or wrote nothing because its Idempotency-Key had already created
     * the note {@code earlier}, or had been sent with another request ({@code refused}, a 422: returned rather
     * than thrown in the writer, so that the other creates of its batch commit as they are).
     */
    record Created(Note note, UUID earlier, ApiException refused) {
    }

    /**
     * A new note that passed {@link #validate}, with the patient and clinician it was checked against, and its
     * Idempotency-Key (or null).
     */
    private record Checked(NewNote note, Subjects subjects, IdempotencyKeys.Claim claim) {
    }

    private void validate(NewNote note, Subjects subjects) {
        if (!Objects.equals(subjects.patientId(), note.patientId())
                || !Objects.equals(subjects.userId(), note.userId())) {
            throw new IllegalArgumentException("These subjects were read for another note");
        }
        List<Violation> violations = new ArrayList<>();
        violations.addAll(typeViolations("type", note.type()));
        violations.addAll(contentViolations("content", note.content()));
        if (subjects.patient().isEmpty()) {
            violations.add(new Violation("patient", "This patient does not exist.", Violation.NOT_FOUND));
        }
        if (subjects.clinician().isEmpty()) {
            violations.add(new Violation("user", "This clinician does not exist.", Violation.NOT_FOUND));
        }
        if (note.audioId() != null && !audioOfPatient(note.organizationId(), note.patientId(), note.audioId())) {
            violations.add(new Violation("audio", "This patient has no such audio.", Violation.NOT_FOUND));
        }
        if (!violations.isEmpty()) {
            throw new ValidationException(violations);
        }
    }

    /**
     * Writes checked notes in the caller's transaction, one batch for all of them, and publishes their
     * events. The notes are built from the rows already read rather than read back with the join (the
     * re-read was the most expensive statement of a create on PostgreSQL; docs/PERFORMANCE.md).
     *
     * @param numbered take the notes' change-feed numbers now, holding the feed's lock to the commit (the
     *                 group commit's short transactions); otherwise the feed numbers them after it
     */
    private List<Created> insert(List<Checked> checked, boolean numbered) {
        OffsetDateTime now = Dates.now(clock).atOffset(ZoneOffset.UTC);
        List<UUID> ids = checked.stream().map(c -> UUID.randomUUID()).toList();
        // The keys first, in one order (two batches taking the same two keys wait for each other, never in a
        // cycle), before the patients' row locks and the feed's lock: a key another transaction is taking is
        // waited for here, holding nothing the other creates need.
        Map<Integer, UUID> earlier = new HashMap<>();
        Map<Integer, ApiException> refused = new HashMap<>();
        List<Integer> keyed = IntStream.range(0, checked.size()).boxed().filter(i -> checked.get(i).claim() != null)
                .sorted(Comparator.comparing(i -> checked.get(i).claim().keyHash())).toList();
        for (int i : keyed) {
            try {
                keys.record(checked.get(i).claim(), ids.get(i)).ifPresent(e -> earlier.put(i, e));
            } catch (ApiException reused) { // thrown after its reads: the transaction goes on
                refused.put(i, reused);
            }
        }
        List<Stored> created = new ArrayList<>(checked.size());
        List<Object[]> rows = new ArrayList<>(checked.size());
        for (int i = 0; i < checked.size(); i++) {
            Checked c = checked.get(i);
            if (earlier.containsKey(i) || refused.containsKey(i)) {
                continue;
            }
            NewNote note = c.note();
            UUID id = ids.get(i);
            rows.add(new Object[] {id, note.organizationId(), note.patientId(), note.userId(), note.audioId(),
                    note.type(), note.content(), now, now});
            PatientRow p = c.subjects().patient().orElseThrow();
            ClinicianRow u = c.subjects().clinician().orElseThrow();
            created.add(new Stored(new Note(id, note.type(), note.content(), now.toInstant(), now.toInstant(),
                    new Note.PatientSummary(p.id(), p.firstName(), p.lastName()), note.audioId(),
                    new Note.UserSummary(u.id(), u.firstName(), u.lastName())), note.organizationId(),
                    p.visibility(), p.ownerId()));
        }
        // Before the feed's lock: a patient changing hands holds its row for the whole change (its notes sent to
        // the webhooks that may now receive them), and waiting for it with the feed's lock held would hold up
        // every other create meanwhile. (The caller waited for a change already under way when it read the
        // patient: only one begun since then is waited for here, by this writer.)
        List<UUID> patients = created.stream().map(s -> s.note().patient().uuid()).distinct().toList();
        Map<UUID, Access> access = patients.isEmpty() ? Map.of() : access(patients);
        for (UUID patient : patients) {
            if (!access.containsKey(patient)) { // deleted meanwhile: the batch is retried one by one
                throw ValidationException.of("patient", "This patient does not exist.", Violation.NOT_FOUND);
            }
        }
        if (!rows.isEmpty()) {
            if (numbered) {
                jdbc.sql(feedLock).query(Integer.class).single();
            }
            batch.batchUpdate(numbered ? INSERT_NUMBERED : INSERT_UNNUMBERED, rows);
        }
        for (Stored stored : created) {
            // Who may see the note as of this commit: a patient whose hands changed since it was read (a
            // change committed before the lock just taken) is judged as it is now, and one changing after
            // waits for this commit and then finds the note (PatientAccessChanged). H2 has no shared row
            // lock: there the two are only as close as this read and that change.
            Access atCommit = access.get(stored.note().patient().uuid());
            publish(NoteEvent.Action.CREATED, new Stored(stored.note(), stored.organizationId(),
                    atCommit.visibility(), atCommit.ownerId()), numbered);
        }
        List<Created> results = new ArrayList<>(checked.size());
        for (int i = 0, written = 0; i < checked.size(); i++) {
            results.add(refused.containsKey(i) ? new Created(null, null, refused.get(i))
                    : earlier.containsKey(i) ? new Created(null, earlier.get(i), null)
                    : new Created(created.get(written++).note(), null, null));
        }
        return results;
    }

    private record Access(String visibility, UUID ownerId) {
    }

    /** The patients' visibility and owner, their rows locked to this transaction's end; none of a deleted one. */
    private Map<UUID, Access> access(List<UUID> patients) {
        Map<UUID, Access> access = new HashMap<>();
        jdbc.sql("SELECT id, visibility_option, user_id FROM patients WHERE id IN (:ids) AND deleted_at IS NULL "
                        + patientLock)
                .param("ids", patients)
                .query(rs -> {
                    access.put(rs.getObject(1, UUID.class), new Access(rs.getString(2), rs.getObject(3, UUID.class)));
                });
        return access;
    }

    /** What a note shows and needs of its patient: names, and who may see it. */
    record PatientRow(UUID id, String firstName, String lastName, String visibility, UUID ownerId) {
    }

    /** What a note shows of its clinician. */
    record ClinicianRow(UUID id, String firstName, String lastName) {
    }

    /**
     * The patient (not deleted) and the clinician a new note names, each empty when the organization has
     * no such one: what the API checks before a create, and what the note then shows.
     */
    record Subjects(UUID patientId, Optional<PatientRow> patient, UUID userId, Optional<ClinicianRow> clinician) {

        /** Whether the patient exists and this caller sees it, and so may write about it. */
        boolean patientVisibleTo(Viewer viewer) {
            return patient.filter(p -> viewer.sees(p.visibility(), p.ownerId())).isPresent();
        }
    }

    /**
     * A new note's patient and clinician, read in one statement. A create through the API used to read
     * each of them twice: once for the caller's checks and once for the note (docs/PERFORMANCE.md).
     */
    private Subjects subjects(UUID organizationId, UUID patientId, UUID userId) {
        List<String> parts = new ArrayList<>(2);
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("org", organizationId);
        if (patientId != null) {
            // Waits here, in the caller's thread, for a change of the patient in progress (it holds the patient's
            // row to its commit), rather than in one of the group commit's few writers with every create queued
            // behind them; then reads the patient as that change left it.
            patientChanges.awaitChange(patientId);
            parts.add("""
                    SELECT 'patient' AS kind, id, first_name, last_name, visibility_option, user_id FROM patients
                    WHERE id = :patient AND organization_id = :org AND deleted_at IS NULL""");
            parameters.put("patient", patientId);
        }
        if (userId != null) {
            parts.add("""
                    SELECT 'user' AS kind, id, first_name, last_name, NULL, NULL FROM users
                    WHERE id = :user AND organization_id = :org""");
            parameters.put("user", userId);
        }
        Optional<PatientRow> patient = Optional.empty();
        Optional<ClinicianRow> clinician = Optional.empty();
        if (!parts.isEmpty()) {
            List<Record> rows = jdbc.sql(String.join("\nUNION ALL\n", parts)).params(parameters)
                    .query((rs, n) -> "patient".equals(rs.getString("kind"))
                            ? new PatientRow(rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                                    rs.getString(5), rs.getObject(6, UUID.class))
                            : (Record) new ClinicianRow(rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4)))
                    .list();
            for (Record row : rows) {
                if (row instanceof PatientRow p) {
                    patient = Optional.of(p);
                } else if (row instanceof ClinicianRow c) {
                    clinician = Optional.of(c);
                }
            }
        }
        return new Subjects(patientId, patient, userId, clinician);
    }

    Optional<Note> find(Viewer viewer, UUID id) {
        return visible(viewer, byId(viewer.organizationId(), id)).map(Stored::note);
    }

    /** Whether the organization has the note, whoever may read it. */
    boolean exists(Viewer viewer, UUID id) {
        return byId(viewer.organizationId(), id).isPresent();
    }

    /**
     * A note as it is now, as the event a change of it publishes (without publishing it): what a webhook that
     * never got the note's events is sent (POST /webhooks/{uuid}/replay-missing). Empty when the organization
     * has no such note.
     */
    public Optional<NoteEvent> asEvent(UUID organizationId, UUID id, NoteEvent.Action action) {
        return byId(organizationId, id).map(stored -> new NoteEvent(action, stored.note(), stored.organizationId(),
                stored.patientVisibility(), stored.patientOwnerId()));
    }

    Page<Note> list(Viewer viewer, NoteFilter filter, int page, int itemsPerPage) {
        return lists.page("SELECT COUNT(*) FROM notes n", SELECT, filter.where(viewer), filter.orderBy(),
                (rs, row) -> stored(rs, row).note(), page, itemsPerPage);
    }

    /**
     * Changes the type and/or the content (null leaves it as it is) of a note the viewer sees, bumps
     * {@code updatedAt} and publishes {@link NoteEvent.Action#UPDATED} in the same transaction. Empty when
     * the viewer sees no such note; with nothing to change (or only what it already says), the note is
     * returned untouched.
     */
    @Transactional
    Optional<Note> update(Viewer viewer, UUID id, String type, String content) {
        // The row locked first, so that what it is compared with is what a concurrent edit committed.
        jdbc.sql("SELECT id FROM notes WHERE id = :id AND organization_id = :org FOR UPDATE")
                .param("id", id).param("org", viewer.organizationId()).query(UUID.class).optional();
        Optional<Stored> current = visible(viewer, byId(viewer.organizationId(), id));
        if (current.isEmpty() || (type == null || type.equals(current.get().note().type()))
                && (content == null || content.equals(current.get().note().content()))) {
            // Nothing changes: no new updatedAt, no updated_note event, no place in the change feed.
            return current.map(Stored::note);
        }
        List<String> assignments = new ArrayList<>();
        Map<String, Object> parameters = new HashMap<>();
        if (type != null) {
            assignments.add("type = :type");
            parameters.put("type", type);
        }
        if (content != null) {
            assignments.add("content = :content");
            parameters.put("content", content);
        }
        parameters.put("now", Dates.now(clock).atOffset(ZoneOffset.UTC));
        parameters.put("id", id);
        parameters.put("org", viewer.organizationId());
        // Losing its feed number puts the changed note back in the change feed, after everything seen so far.
        jdbc.sql("UPDATE notes SET " + String.join(", ", assignments) + ", updated_at = :now, feed_seq = NULL"
                        + " WHERE id = :id AND organization_id = :org")
                .params(parameters).update();
        Stored stored = byId(viewer.organizationId(), id).orElseThrow();
        publish(NoteEvent.Action.UPDATED, stored, false);
        return Optional.of(stored.note());
    }

    /** One entry of the change feed: a note as it is now, and its place in the feed. */
    record Change(long sequence, Note note) {
    }

    /**
     * The viewer's notes numbered after {@code after} in the change feed, in feed order. Numbers are
     * taken under {@link FeedSequencer#LOCK}, held to the commit of the transaction that takes them, so
     * nothing can later appear below the last one seen.
     */
    List<Change> changes(Viewer viewer, long after, int limit) {
        SqlWhere where = NoteFilter.of(new CollectionQuery(new LinkedMultiValueMap<>())).where(viewer)
                .and("n.feed_seq > :after", "after", after);
        Map<String, Object> parameters = new HashMap<>(where.parameters());
        parameters.put("limit", limit);
        return jdbc.sql(SELECT.replace("SELECT n.id,", "SELECT n.feed_seq, n.id,") + "WHERE " + where.sql()
                        + " ORDER BY n.feed_seq LIMIT :limit")
                .params(parameters)
                .query((rs, row) -> new Change(rs.getLong("feed_seq"), stored(rs, row).note()))
                .list();
    }

    /** The highest feed number handed out so far: no cursor the feed gave can be higher. */
    long lastFeedNumber() {
        return jdbc.sql(lastFeedNumber).query(Long.class).single();
    }

    static List<Violation> typeViolations(String property, String type) {
        if (type == null || type.isBlank()) {
            return List.of(new Violation(property, "This value should not be blank.", Violation.NOT_BLANK));
        }
        if (!TYPE.matcher(type).matches()) {
            return List.of(new Violation(property, "This value should be lower-case letters, digits and "
                    + "underscores, starting with a letter, at most " + MAX_TYPE + " characters "
                    + "(for example consultation_summary).", Violation.INVALID_FORMAT));
        }
        return List.of();
    }

    static List<Violation> contentViolations(String property, String content) {
        if (content == null || content.isBlank()) {
            return List.of(new Violation(property, "This value should not be blank.", Violation.NOT_BLANK));
        }
        if (content.length() > MAX_CONTENT) {
            return List.of(new Violation(property, "This value is too long. It should have " + MAX_CONTENT
                    + " characters or less.", Violation.TOO_LONG));
        }
        return List.of();
    }

    private void publish(NoteEvent.Action action, Stored stored, boolean numbered) {
        events.publishEvent(new NoteEvent(action, stored.note(), stored.organizationId(),
                stored.patientVisibility(), stored.patientOwnerId(), numbered));
    }

    /**
     * Whether the audio is a recording of the note's patient. A note is written from its own patient's
     * recording; and since an audio is seen by whoever sees its patient, whose visibility is checked with
     * the note's, no caller learns of a recording it may not see (another clinician's private patient's).
     * Read as SQL rather than through the audio package, which depends on this one.
     */
    private boolean audioOfPatient(UUID organizationId, UUID patientId, UUID audioId) {
        return jdbc.sql("SELECT COUNT(*) FROM audios WHERE id = :id AND organization_id = :org AND patient_id = :patient")
                .param("id", audioId).param("org", organizationId).param("patient", patientId)
                .query(Long.class).single() > 0;
    }

    private Optional<Stored> byId(UUID organizationId, UUID id) {
        return jdbc.sql(SELECT + "WHERE n.organization_id = :org AND n.id = :id")
                .param("org", organizationId).param("id", id).query(Notes::stored).optional();
    }

    private static Optional<Stored> visible(Viewer viewer, Optional<Stored> note) {
        return note.filter(n -> viewer.sees(n.patientVisibility(), n.patientOwnerId()));
    }

    private static Stored stored(ResultSet rs, int row) throws SQLException {
        Note note = new Note(rs.getObject("id", UUID.class), rs.getString("type"), rs.getString("content"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                new Note.PatientSummary(rs.getObject("patient_id", UUID.class), rs.getString("patient_first_name"),
                        rs.getString("patient_last_name")),
                rs.getObject("audio_id", UUID.class),
                new Note.UserSummary(rs.getObject("user_id", UUID.class), rs.getString("user_first_name"),
                        rs.getString("user_last_name")));
        return new Stored(note, rs.getObject("organization_id", UUID.class), rs.getString("patient_visibility"),
                rs.getObject("patient_owner", UUID.class));
    }
}
