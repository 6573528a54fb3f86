package org.notesync.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.notesync.identity.Accounts;
import org.notesync.identity.Viewer;
import org.notesync.patient.PatientFixture;
import org.notesync.patient.PatientUpdates;
import org.notesync.support.OnPostgres;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

@OnPostgres
class NotesPostgresIT extends NotesContract {

    @Autowired
    ApplicationContext context;

    /**
     * A change of hands begun after a create read its patient, and before the create's transaction wrote the
     * note: the create waits for it (the key-share lock its transaction holds to its end) and publishes the
     * note with the patient as it is once both commit, so its event goes to the new clinician's webhooks.
     * PostgreSQL only: H2 takes no shared row lock.
     */
    @Test
    void aChangeOfHandsBegunAfterACreateReadItsPatientDecidesWhereTheNoteGoes() throws Exception {
        Tenants.Tenant t = tenants.create();
        Accounts.User colleague = t.addClinician("Grace", "Hopper");
        UUID org = t.organization().id();
        UUID patient = PatientFixture.patientOf(jdbc, org).privateTo(t.clinician().id()).insert();
        Viewer owner = new Viewer(org, t.clinician().id(), "test", Set.of());
        CountDownLatch changed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Note> created = threads.submit(() -> notes.create(org, patient, t.clinician().id(), subjects -> {
                assertThat(subjects.patient().orElseThrow().ownerId()).as("read as its clinician's")
                        .isEqualTo(t.clinician().id());
                threads.submit(() -> transactions.execute(tx -> {
                    PatientUpdates.handTo(context, owner, patient, colleague.id());
                    changed.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }));
                try {
                    assertThat(changed.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return new NewNote(org, patient, t.clinician().id(), null, "memo", "written as it changed hands");
            }, null).note());
            await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.sql("""
                    SELECT COUNT(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock'""").query(Long.class).single() > 0);
            release.countDown();
            Note note = created.get(15, TimeUnit.SECONDS);
            assertThat(events.published(note.uuid())).singleElement().satisfies(seen -> {
                assertThat(seen.event().patientOwnerId()).isEqualTo(colleague.id());
                assertThat(seen.event().patientVisibility()).isEqualTo("private");
            });
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }
}
