package org.notesync.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
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

    /**
     * A node that stops in a create's transaction, the feed's lock held (a pause, a frozen VM, a cut network), holds
     * up the creates of every node until PostgreSQL ends its session: once it has been idle for
     * {@link FeedSequencer#IDLE_LIMIT}, rather than when TCP gives up on it, hours later. Its own create fails.
     */
    @Test
    void aWriterStoppedWithTheFeedsLockHoldsUpOtherCreatesOnlyForALimitedTime() throws Exception {
        Tenants.Tenant t = tenants.create();
        UUID org = t.organization().id();
        UUID first = PatientFixture.patientOf(jdbc, org).insert();
        UUID second = PatientFixture.patientOf(jdbc, org).insert();
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        events.stall(stalled, resume);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Notes.Created> stopped = threads.submit(() -> notes.create(org, first, t.clinician().id(),
                    subjects -> new NewNote(org, first, t.clinician().id(), null, "memo",
                            NoteEventRecorder.STALL + " written by a node that stops"), null));
            assertThat(stalled.await(15, TimeUnit.SECONDS)).isTrue();
            Future<Notes.Created> meanwhile = threads.submit(() -> notes.create(org, second, t.clinician().id(),
                    subjects -> new NewNote(org, second, t.clinician().id(), null, "memo", "written meanwhile"), null));
            assertThat(meanwhile.get(FeedSequencer.IDLE_LIMIT.toSeconds() + 10, TimeUnit.SECONDS).note()).isNotNull();
            resume.countDown();
            assertThat(catchThrowable(() -> stopped.get(15, TimeUnit.SECONDS))).as("its session was ended")
                    .isInstanceOf(java.util.concurrent.ExecutionException.class);
        } finally {
            resume.countDown();
            events.stall(new CountDownLatch(0), new CountDownLatch(0));
            threads.shutdownNow();
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM notes WHERE patient_id = ?").param(first).query(Long.class)
                .single()).isZero();
    }
}
