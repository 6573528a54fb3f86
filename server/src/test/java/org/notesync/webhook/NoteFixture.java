package org.notesync.webhook;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.notesync.note.Note;
import org.notesync.note.NoteEvent;
import org.notesync.support.Tenants;
import org.notesync.web.Dates;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes patients and notes into the V1 tables and publishes {@link NoteEvent} inside the same transaction,
 * exactly as the notes service does, so webhook tests do not depend on the notes API.
 */
@Component
public class NoteFixture {

    public record Patient(UUID id, UUID organizationId, UUID ownerId, String visibility, String firstName,
            String lastName) {
    }

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final Clock clock;

    NoteFixture(JdbcClient jdbc, ApplicationEventPublisher events, PlatformTransactionManager transactionManager,
            Clock clock) {
        this.jdbc = jdbc;
        this.events = events;
        this.transactions = new TransactionTemplate(transactionManager);
        this.clock = clock;
    }

    public Patient patient(Tenants.Tenant tenant) {
        return patient(tenant, "shared", tenant.clinician().id());
    }

    public Patient patient(Tenants.Tenant tenant, String visibility, UUID ownerId) {
        Patient p = new Patient(UUID.randomUUID(), tenant.organization().id(), ownerId, visibility, "Marie",
                "Curie-" + UUID.randomUUID().toString().substring(0, 4));
        Instant now = Dates.now(clock);
        jdbc.sql("""
                INSERT INTO patients (id, organization_id, user_id, first_name, last_name, visibility_option,
                                      created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(p.id(), p.organizationId(), ownerId, p.firstName(), p.lastName(), visibility,
                        now.atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC))
                .update();
        return p;
    }

    /** One note, committed with its event. */
    public Note note(Tenants.Tenant tenant, Patient patient, String content) {
        return transactions.execute(tx -> insert(tenant, patient, content));
    }

    /** Many notes in one transaction (one event each). */
    public List<Note> notes(Tenants.Tenant tenant, Patient patient, int count) {
        return transactions.execute(tx -> {
            List<Note> notes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                notes.add(insert(tenant, patient, "Note " + i));
            }
            return notes;
        });
    }

    /** Writes a note and publishes its event, then the transaction fails: nothing must remain. */
    public UUID noteThenRollback(Tenants.Tenant tenant, Patient patient) {
        UUID[] id = new UUID[1];
        try {
            transactions.executeWithoutResult(tx -> {
                id[0] = insert(tenant, patient, "rolled back").uuid();
                throw new IllegalStateException("the note's transaction fails after the event");
            });
        } catch (IllegalStateException expected) {
            // as intended
        }
        return id[0];
    }

    /** Changes a note's content and publishes {@code UPDATED}, in one transaction. */
    public Note updateContent(Tenants.Tenant tenant, Patient patient, Note note, String content) {
        return transactions.execute(tx -> {
            Instant now = Dates.now(clock);
            jdbc.sql("UPDATE notes SET content = ?, updated_at = ? WHERE id = ?")
                    .params(content, now.atOffset(ZoneOffset.UTC), note.uuid()).update();
            Note updated = new Note(note.uuid(), note.type(), content, note.createdAt(), now, note.patient(),
                    note.audio(), note.user());
            events.publishEvent(new NoteEvent(NoteEvent.Action.UPDATED, updated, tenant.organization().id(),
                    patient.visibility(), patient.ownerId()));
            return updated;
        });
    }

    private Note insert(Tenants.Tenant tenant, Patient patient, String content) {
        Instant now = Dates.now(clock);
        UUID id = UUID.randomUUID();
        UUID author = tenant.clinician().id();
        jdbc.sql("""
                INSERT INTO notes (id, organization_id, patient_id, user_id, type, content, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, tenant.organization().id(), patient.id(), author, "consultation_summary", content,
                        now.atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC))
                .update();
        Note note = new Note(id, "consultation_summary", content, now, now,
                new Note.PatientSummary(patient.id(), patient.firstName(), patient.lastName()), null,
                new Note.UserSummary(author, tenant.clinician().firstName(), tenant.clinician().lastName()));
        events.publishEvent(new NoteEvent(NoteEvent.Action.CREATED, note, tenant.organization().id(),
                patient.visibility(), patient.ownerId()));
        return note;
    }
}
