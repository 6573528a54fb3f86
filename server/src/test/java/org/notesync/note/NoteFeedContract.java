package org.notesync.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.notesync.support.ApiAssertions.assertProblem;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.notesync.identity.Accounts;
import org.notesync.identity.Viewer;
import org.notesync.patient.PatientFixture;
import org.notesync.patient.PatientUpdates;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.SettableClock;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

@ServerTest
@ExtendWith(OutputCaptureExtension.class)
abstract class NoteFeedContract {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Notes notes;

    @Autowired
    NoteFeed feed;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    ApplicationContext context;

    @Autowired
    SettableClock clock;

    private String createNote(Http api, Tenants.Tenant t, String patient, String content) {
        Http.Response created = api.post("/notes", Map.of("patient", patient, "user", t.clinician().id().toString(),
                "type", "consultation_summary", "content", content));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("uuid").asString();
    }

    private static List<String> uuids(JsonNode page) {
        return page.get("changes").valueStream().map(c -> c.at("/note/uuid").asString()).toList();
    }

    @Test
    void feedListsChangesInOrderAndResumesFromTheCursor() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        String patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert().toString();
        String first = createNote(api, t, patient, "First.");
        String second = createNote(api, t, patient, "Second.");
        feed.sequenceNow();

        JsonNode page = api.get("/notes/feed?limit=1").json();
        assertThat(uuids(page)).containsExactly(first);
        assertThat(page.get("hasMore").asBoolean()).isTrue();
        assertThat(page.at("/changes/0/action").asString()).isEqualTo("new_note");
        long cursor = page.get("cursor").asLong();

        JsonNode rest = api.get("/notes/feed?after=" + cursor).json();
        assertThat(uuids(rest)).containsExactly(second);
        assertThat(rest.get("hasMore").asBoolean()).isFalse();
        long end = rest.get("cursor").asLong();
        assertThat(uuids(api.get("/notes/feed?after=" + end).json())).isEmpty();
        assertThat(api.get("/notes/feed?after=" + end).json().get("cursor").asLong()).isEqualTo(end);

        // An edit puts the note back in the feed, after everything already seen.
        assertThat(api.patch("/notes/" + first, Map.of("content", "First, amended.")).status()).isEqualTo(200);
        feed.sequenceNow();
        JsonNode edited = api.get("/notes/feed?after=" + end).json();
        assertThat(uuids(edited)).containsExactly(first);
        assertThat(edited.at("/changes/0/action").asString()).isEqualTo("updated_note");
        assertThat(edited.at("/changes/0/note/content").asString()).isEqualTo("First, amended.");
    }

    /** A page of the feed is plain JSON, also to a client that asks for JSON-LD only (it has no context to give). */
    @Test
    void theFeedIsPlainJsonWhateverTheClientAccepts() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        for (String accept : List.of("application/ld+json", "application/json", "*/*")) {
            Http.Response page = api.get("/notes/feed", accept);
            assertThat(page.status()).as(accept).isEqualTo(200);
            assertThat(page.header("Content-Type")).as(accept).startsWith("application/json");
            assertThat(page.json().has("changes")).isTrue();
        }
    }

    /**
     * A reader whose cursor is beyond every number the feed handed out (the server's database restored from
     * an older backup) is sent back to the feed's start, not left waiting for the numbers to pass its cursor
     * while every change numbered meanwhile goes by unread; nor sent to the feed's last number, past the
     * changes numbered between the restore and its poll.
     */
    @Test
    void aCursorBeyondTheFeedsLastNumberSendsTheReaderBackToTheStartSoNoChangeIsSkipped() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        String patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert().toString();
        String before = createNote(api, t, patient, "Before the restore.");
        feed.sequenceNow();
        long seen = api.get("/notes/feed").json().get("cursor").asLong();
        assertThat(api.get("/notes/feed?after=" + seen).json().get("cursor").asLong())
                .as("a cursor the feed gave is echoed as it was").isEqualTo(seen);
        long kept = seen + 1_000_000; // the reader's cursor from before the restore

        String sinceTheRestore = createNote(api, t, patient, "After the restore, before the reader's poll.");
        feed.sequenceNow();
        JsonNode answered = api.get("/notes/feed?after=" + kept).json();
        assertThat(uuids(answered)).isEmpty();
        assertThat(answered.get("cursor").asLong()).as("the feed's start").isZero();

        String afterThePoll = createNote(api, t, patient, "After the reader's poll.");
        feed.sequenceNow();
        List<String> read = new java.util.ArrayList<>();
        long cursor = 0;
        for (int poll = 0; poll < 3; poll++) {
            JsonNode page = api.get("/notes/feed?after=" + cursor).json();
            read.addAll(uuids(page));
            cursor = page.get("cursor").asLong();
        }
        assertThat(read).as("read again from the start, duplicates included").containsExactly(before,
                sinceTheRestore, afterThePoll);
    }

    @Test
    void aClientSendingACursorBeyondTheFeedOnEveryPollIsLoggedOnceAMinute(CapturedOutput output) {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        long beyond = Long.MAX_VALUE - 1;
        clock.freeze();
        try {
            clock.advance(NoteFeedController.WARNING_INTERVAL.plusSeconds(1)); // past any earlier test's warning
            for (int i = 0; i < 3; i++) {
                assertThat(api.get("/notes/feed?after=" + beyond).status()).isEqualTo(200);
            }
            assertThat(warnings(output)).as(output.getOut()).isEqualTo(1);

            clock.advance(NoteFeedController.WARNING_INTERVAL);
            assertThat(api.get("/notes/feed?after=" + beyond).status()).isEqualTo(200);
            assertThat(warnings(output)).isEqualTo(2);
            assertThat(output.getOut()).contains("(2 more such polls since the last warning");
        } finally {
            clock.reset();
        }
    }

    private static int warnings(CapturedOutput output) {
        return output.getOut().split("was beyond the feed's last number", -1).length - 1;
    }

    @Test
    void aCommittedChangeIsNumberedByItsWakeUpWithoutTheScan() throws Exception {
        // @ServerTest sets the fallback scan to an hour: only the commit's wake-up can number a create
        // outside the API's group commit (the pipeline's) and an edit.
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert();
        String note = notes.create(new NewNote(t.organization().id(), patient, t.clinician().id(), null,
                "consultation_summary", "Numbered on commit.")).uuid().toString();
        assertThat(awaitFeed(api, 0)).containsExactly(note);
        long cursor = api.get("/notes/feed").json().get("cursor").asLong();

        assertThat(api.patch("/notes/" + note, Map.of("content", "Amended.")).status()).isEqualTo(200);
        assertThat(awaitFeed(api, cursor)).containsExactly(note);
    }

    @Test
    void anApiCreateTakesItsNumberInItsOwnTransactionUnderTheFeedsLock() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        String patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert().toString();
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> transaction.executeWithoutResult(tx -> {
            jdbc.sql(FeedSequencer.LOCK).query(Integer.class).single();
            locked.countDown();
            await(release);
        }));
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<String> create = CompletableFuture.supplyAsync(
                () -> createNote(api, t, patient, "Numbered before its commit."));
        Thread.sleep(500); // a create that did not wait for the lock answers in milliseconds
        assertThat(create).as("the create waits for the feed's lock").isNotDone();
        release.countDown();
        holder.get(10, TimeUnit.SECONDS);
        String note = create.get(10, TimeUnit.SECONDS);
        // @ServerTest sets the fallback scan to an hour, and no wake-up follows a numbered create.
        assertThat(jdbc.sql("SELECT COUNT(*) FROM notes WHERE id = ? AND feed_seq IS NOT NULL")
                .param(UUID.fromString(note)).query(Long.class).single()).as("numbered when its create answered")
                .isEqualTo(1);
    }

    private static List<String> awaitFeed(Http api, long after) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> seen = uuids(api.get("/notes/feed?after=" + after).json());
        while (seen.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            seen = uuids(api.get("/notes/feed?after=" + after).json());
        }
        return seen;
    }

    @Test
    void aNoteCommittedAfterALaterStampedOneWasSeenIsStillInTheFeed() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert();

        // A: stamped first, but its transaction stays open.
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Note> slow = CompletableFuture.supplyAsync(() -> transaction.execute(tx -> {
            Note note = notes.create(new NewNote(t.organization().id(), patient, t.clinician().id(), null,
                    "consultation_summary", "Slow transaction."));
            written.countDown();
            await(release);
            return note;
        }));
        assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(1100); // dates are shown to the second: B must be stamped in a later second than A

        // B: stamped later, committed at once, and seen by a poller.
        String fast = createNote(api, t, patient.toString(), "Fast transaction.");
        feed.sequenceNow();
        JsonNode seen = api.get("/notes/feed").json();
        assertThat(uuids(seen)).containsExactly(fast);
        long cursor = seen.get("cursor").asLong();
        String fastCreatedAt = api.get("/notes/" + fast, "application/json").json().get("createdAt").asString();

        release.countDown();
        Note late = slow.get(10, TimeUnit.SECONDS);
        assertThat(late.createdAt()).isBefore(java.time.Instant.parse(fastCreatedAt));

        // createdAt polling from the last note seen misses A for good...
        List<String> byDate = api.get("/notes?createdAt%5Bstrictly_after%5D=" + fastCreatedAt.replace("+", "%2B"),
                "application/json").json().valueStream().map(n -> n.get("uuid").asString()).toList();
        assertThat(byDate).doesNotContain(late.uuid().toString());
        // ...the feed does not.
        feed.sequenceNow();
        assertThat(uuids(api.get("/notes/feed?after=" + cursor).json())).containsExactly(late.uuid().toString());
    }

    @Test
    void feedShowsOnlyWhatTheCallerMaySee() {
        Tenants.Tenant a = tenants.create();
        Tenants.Tenant b = tenants.create();
        UUID shared = PatientFixture.patientOf(jdbc, a.organization().id()).insert();
        UUID hidden = PatientFixture.patientOf(jdbc, a.organization().id()).privateTo(a.clinician().id()).insert();
        Http integration = a.api(port);
        String visible = createNote(integration, a, shared.toString(), "Shared.");
        String secret = a.clinicianApi(port).post("/notes", Map.of("patient", hidden.toString(),
                "type", "memo", "content", "Private.")).json().get("uuid").asString();
        feed.sequenceNow();

        assertThat(uuids(integration.get("/notes/feed").json())).contains(visible).doesNotContain(secret);
        assertThat(uuids(a.clinicianApi(port).get("/notes/feed").json())).contains(visible, secret);
        assertThat(uuids(b.api(port).get("/notes/feed").json())).isEmpty();
    }

    /**
     * A reader past a note's number while it could not see the note must still get it once it may: when
     * its patient is shared again or given to another clinician, the note comes back in the feed.
     */
    @Test
    void aNoteThatBecomesVisibleComesBackInTheFeedOfThoseWhoMayNowReadIt() {
        Tenants.Tenant t = tenants.create();
        Accounts.User colleague = t.addClinician("Ada", "Colleague");
        Http owner = t.clinicianApi(port);
        Http other = t.clinicianApi(port, colleague);
        Http integration = t.api(port);
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).privateTo(t.clinician().id()).insert();
        String note = owner.post("/notes", Map.of("patient", patient.toString(), "type", "memo",
                "content", "Private for now.")).json().get("uuid").asString();
        String updatedAt = owner.get("/notes/" + note).json().get("updatedAt").asString();
        createNote(integration, t, PatientFixture.patientOf(jdbc, t.organization().id()).insert().toString(),
                "A later shared note.");
        feed.sequenceNow();
        long integrationCursor = integration.get("/notes/feed").json().get("cursor").asLong();
        long colleagueCursor = other.get("/notes/feed").json().get("cursor").asLong();
        assertThat(uuids(integration.get("/notes/feed").json())).doesNotContain(note);

        Http.Response handed = owner.patch("/patients/" + patient, Map.of("user", colleague.id().toString()));
        assertThat(handed.status()).as(handed.toString()).isEqualTo(200);
        feed.sequenceNow();
        JsonNode colleagues = other.get("/notes/feed?after=" + colleagueCursor).json();
        assertThat(uuids(colleagues)).as("given to the colleague").containsExactly(note);
        assertThat(colleagues.at("/changes/0/note/updatedAt").asString()).isEqualTo(updatedAt);
        assertThat(uuids(integration.get("/notes/feed?after=" + integrationCursor).json())).isEmpty();

        Http.Response shared = other.patch("/patients/" + patient, Map.of("visibilityOption", "shared"));
        assertThat(shared.status()).as(shared.toString()).isEqualTo(200);
        feed.sequenceNow();
        assertThat(uuids(integration.get("/notes/feed?after=" + integrationCursor).json()))
                .as("shared again").containsExactly(note);

        long end = integration.get("/notes/feed?after=" + integrationCursor).json().get("cursor").asLong();
        assertThat(owner.patch("/patients/" + patient, Map.of("firstName", "Renamed")).status()).isEqualTo(200);
        feed.sequenceNow();
        assertThat(uuids(integration.get("/notes/feed?after=" + end).json()))
                .as("another field: who may read it is unchanged").isEmpty();
    }

    /**
     * A patient's change drops its notes' numbers in its own transaction. A note changed just before, still
     * unnumbered, must not get its number from the sequencer before that change commits: a reader who could
     * not see the note would pass that number, and the note would never come back for it. Nor may the
     * sequencer wait for it while holding the feed's lock, which every create needs.
     */
    @Test
    void aNoteUnnumberedWhileItsPatientChangesHandsIsNumberedOnceTheChangeCommits() throws Exception {
        Tenants.Tenant t = tenants.create();
        Accounts.User colleague = t.addClinician("Ada", "Colleague");
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).privateTo(t.clinician().id()).insert();
        String note = t.clinicianApi(port).post("/notes", Map.of("patient", patient.toString(), "type", "memo",
                "content", "Private for now.")).json().get("uuid").asString();
        feed.sequenceNow();
        // An edit committed a moment ago, its wake-up not yet run.
        jdbc.sql("UPDATE notes SET feed_seq = NULL WHERE id = ?").param(UUID.fromString(note)).update();
        Http colleagues = t.clinicianApi(port, colleague);
        long colleagueCursor = colleagues.get("/notes/feed").json().get("cursor").asLong();

        CountDownLatch changed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Viewer owner = new Viewer(t.organization().id(), t.clinician().id(), "test", Set.of());
        CompletableFuture<Boolean> handing = CompletableFuture.supplyAsync(() -> transaction.execute(tx -> {
            boolean seen = PatientUpdates.handTo(context, owner, patient, colleague.id());
            changed.countDown();
            await(release);
            return seen;
        }));
        assertThat(changed.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Integer> numbering = CompletableFuture.supplyAsync(feed::sequenceNow);
        numbering.get(5, TimeUnit.SECONDS); // it does not wait for the patient's change
        assertThat(jdbc.sql("SELECT feed_seq FROM notes WHERE id = ?").param(UUID.fromString(note))
                .query(Long.class).optional()).as("left for after the change commits").isEmpty();
        String created = createNote(t.api(port), t, PatientFixture.patientOf(jdbc, t.organization().id()).insert()
                .toString(), "Created meanwhile.");
        assertThat(uuids(colleagues.get("/notes/feed?after=" + colleagueCursor).json()))
                .as("creates go on meanwhile").containsExactly(created);
        long cursor = colleagues.get("/notes/feed?after=" + colleagueCursor).json().get("cursor").asLong();

        release.countDown();
        assertThat(handing.get(10, TimeUnit.SECONDS)).isTrue();
        // @ServerTest's scan runs hourly: the change's commit numbers its notes.
        assertThat(awaitFeed(colleagues, cursor)).as("past what its new clinician read before it was theirs")
                .containsExactly(note);
    }

    @Test
    void badCursorsAndLimitsAre400AndScopeIsChecked() {
        Tenants.Tenant t = tenants.create();
        assertProblem(t.api(port).get("/notes/feed?after=abc"), 400);
        assertProblem(t.api(port).get("/notes/feed?after=-1"), 400);
        assertThat(assertProblem(t.api(port).get("/notes/feed?after=9223372036854775808"), 400).get("detail")
                .asString()).contains("must be between 0 and 9223372036854775807");
        assertThat(assertProblem(t.api(port).get("/notes/feed?after=5&after=6"), 400).get("detail").asString())
                .contains("\"after\": is given more than once");
        // Found by fuzzing the API: Spring split and trimmed the value, so a NUL or a control character at either end
        // was dropped (after=%01 read as no cursor, 5%00 as 5) and 1,2 was "given more than once".
        for (String bad : List.of("after=5%00", "after=%00", "after=%01%1B", "limit=%0010", "after=1,2")) {
            assertThat(assertProblem(t.api(port).get("/notes/feed?" + bad), 400).get("detail").asString()).as(bad)
                    .contains("must be an integer");
        }
        assertThat(t.api(port).get("/notes/feed?after=%20&limit=+5+").status()).as("spaces are still trimmed")
                .isEqualTo(200);
        assertProblem(t.api(port).get("/notes/feed?limit=0"), 400);
        assertProblem(t.api(port).get("/notes/feed?limit=501"), 400);
        assertProblem(t.api(port, "read:patients").get("/notes/feed"), 403);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
