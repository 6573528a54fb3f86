package org.notesync.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;
import static org.notesync.webhook.JdbcDeliveryStore.utc;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.notesync.delivery.DeliveryEngine;
import org.notesync.delivery.Signatures;
import org.notesync.identity.Accounts;
import org.notesync.note.Note;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.SettableClock;
import org.notesync.support.Tenants;
import org.notesync.web.Dates;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Delivery end to end: a note committed with its event reaches a real receiver on loopback, signed, with
 * the guide's payload; retries follow the guide's schedule on a settable clock; failures land in the
 * failure queue and replays keep the event ids.
 */
@ServerTest
abstract class WebhookDeliveryContract {

    static final Duration WAIT = Duration.ofSeconds(15);

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;


    @Autowired
    NoteFixture notes;

    @Autowired
    SettableClock clock;

    @Autowired
    DeliveryEngine engine;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    @Autowired
    WebhookPurge purge;

    @Autowired
    Recoveries recoveries;

    @Autowired
    WebhookConfiguration.NodeName node;

    final Receiver receiver = new Receiver();
    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() {
        cleanup.forEach(Runnable::run);
        receiver.close();
        clock.reset();
    }

    @Test
    void receiverGetsTheGuidesPayloadFieldForFieldSignedAsStandardWebhooks() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode webhook = webhook(api, receiver.url(), "new_note");
        NoteFixture.Patient patient = notes.patient(t);
        Note note = notes.note(t, patient, "Patient presents with a dry cough.");

        await().atMost(WAIT).until(() -> receiver.requests().size() == 1);
        Receiver.Request request = receiver.requests().get(0);
        JsonNode body = request.json();
        assertThat(names(body)).containsExactly("events", "meta");
        assertThat(body.get("meta").get("webhook_id").asString()).isEqualTo(webhook.get("uuid").asString());
        assertThat(body.get("events")).hasSize(1);
        JsonNode event = body.get("events").get(0);
        assertThat(names(event)).containsExactly("id", "resource_type", "action", "metadata", "resource_metadata");
        assertThat(event.get("id").asString()).isEqualTo(note.uuid().toString());
        assertThat(event.get("resource_type").asString()).isEqualTo("note");
        assertThat(event.get("action").asString()).isEqualTo("new_note");
        JsonNode n = event.get("metadata").get("note");
        assertThat(names(event.get("metadata"))).containsExactly("note");
        assertThat(names(n)).containsExactly("uuid", "type", "content", "createdAt", "updatedAt", "patient");
        assertThat(n.get("uuid").asString()).isEqualTo(note.uuid().toString());
        assertThat(n.get("type").asString()).isEqualTo("consultation_summary");
        assertThat(n.get("content").asString()).isEqualTo("Patient presents with a dry cough.");
        assertThat(n.get("createdAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+00:00")
                .isEqualTo(Dates.format(note.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        assertThat(n.get("updatedAt").asString()).isEqualTo(n.get("createdAt").asString());
        assertThat(names(n.get("patient"))).containsExactly("uuid", "firstName", "lastName");
        assertThat(n.get("patient").get("uuid").asString()).isEqualTo(patient.id().toString());
        assertThat(n.get("patient").get("firstName").asString()).isEqualTo(patient.firstName());
        assertThat(n.get("patient").get("lastName").asString()).isEqualTo(patient.lastName());
        assertThat(names(event.get("resource_metadata"))).containsExactly("user_id", "organization_id");
        assertThat(event.get("resource_metadata").get("user_id").asString())
                .isEqualTo(t.clinician().id().toString());
        assertThat(event.get("resource_metadata").get("organization_id").asString())
                .isEqualTo(t.organization().id().toString());

        assertThat(request.header("content-type")).startsWith("application/json");
        assertThat(request.header("user-agent")).matches("notesync-webhooks/\\d+\\.\\d+\\.\\d+");
        assertThat(request.header("webhook-id")).startsWith("msg_");
        assertThat(request.header("webhook-signature")).startsWith("v1,").doesNotContain(" ");
        assertThatCode(() -> new Webhook(webhook.get("secret").asString()).verify(request.body(),
                request.headerLists())).doesNotThrowAnyException();
        assertThat(new Webhook(Signatures.newSecret()).sign(request.header("webhook-id"),
                Long.parseLong(request.header("webhook-timestamp")), request.body()))
                .isNotEqualTo(request.header("webhook-signature"));

        JsonNode delivery = awaitDelivery(api, webhook, d -> d.get("status").asString().equals("succeeded"));
        assertThat(delivery.get("eventId").asString()).isEqualTo(note.uuid().toString());
        assertThat(delivery.get("action").asString()).isEqualTo("new_note");
        assertThat(delivery.get("attemptCount").asInt()).isEqualTo(1);
        JsonNode detail = api.get("/webhook-deliveries/" + delivery.get("uuid").asString(), "application/json")
                .json();
        assertThat(detail.get("attempts")).hasSize(1);
        JsonNode attempt = detail.get("attempts").get(0);
        assertThat(attempt.get("statusCode").asInt()).isEqualTo(200);
        assertThat(attempt.get("errorKind").isNull()).isTrue();
        assertThat(attempt.get("requestId").asString()).isEqualTo(request.header("webhook-id"));
        assertThat(detail.toString()).as("the log never holds note content").doesNotContain("dry cough");
    }

    /**
     * One POST carries several events (a batch), and its answer is logged on every delivery of the batch. A
     * viewer who may read one of the batch's notes, but no longer another (its patient made private since), is
     * not shown the receiver's answer through the delivery of the note it may read.
     */
    @Test
    void aBatchedAnswerIsWithheldFromAViewerWhoMayNoLongerReadEveryNoteItAnswered() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID webhookId = UUID.fromString(webhook(api, "http://127.0.0.1:9/hook", "new_note").get("uuid").asString());
        NoteFixture.Patient shared = notes.patient(t);
        NoteFixture.Patient madePrivate = notes.patient(t);
        Note readable = notes.note(t, shared, "A note the integration may go on reading.");
        Note hidden = notes.note(t, madePrivate, "A note of a patient made private later.");
        String answer = "{\"error\":\"event 2: chart MRN-4711 is locked\"}";
        UUID readableDelivery = null;
        for (Note note : List.of(readable, hidden)) {
            UUID delivery = jdbc.sql("""
                    SELECT d.id FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                    WHERE d.webhook_id = ? AND e.note_id = ?""").params(webhookId, note.uuid()).query(UUID.class)
                    .single();
            readableDelivery = readableDelivery == null ? delivery : readableDelivery;
            // As JdbcDeliveryStore.record logs one POST of both events: one row per delivery, one answer.
            jdbc.sql("""
                    INSERT INTO webhook_attempts (id, delivery_id, request_id, attempted_at, duration_ms, status_code,
                                                  response_excerpt, batch_size, node_id)
                    VALUES (?, ?, 'msg_batch_of_two', ?, 1, 422, ?, 2, 'test')""")
                    .params(UUID.randomUUID(), delivery, OffsetDateTime.now(ZoneOffset.UTC), answer).update();
        }
        // A batch of two of which one delivery's attempt is missing (not logged by a node that no longer held it,
        // or taken by retention): the other note cannot be checked, so the answer is withheld even now.
        // Retried once, the same request id (webhook-id) twice on one delivery: still one delivery of the two.
        for (int attempt = 0; attempt < 2; attempt++) {
            jdbc.sql("""
                    INSERT INTO webhook_attempts (id, delivery_id, request_id, attempted_at, duration_ms, status_code,
                                                  response_excerpt, batch_size, node_id)
                    VALUES (?, ?, 'msg_logged_once', ?, 1, 422, ?, 2, 'test')""")
                    .params(UUID.randomUUID(), readableDelivery, OffsetDateTime.now(ZoneOffset.UTC), answer).update();
        }
        Map<String, List<String>> before = new java.util.HashMap<>();
        api.get("/webhook-deliveries/" + readableDelivery, "application/json").json().get("attempts")
                .forEach(a -> before.computeIfAbsent(a.get("requestId").asString(), k -> new ArrayList<>())
                        .add(a.get("responseExcerpt").asString()));
        assertThat(before).as("both notes readable, both attempts there: shown")
                .containsEntry("msg_batch_of_two", List.of(answer))
                .containsEntry("msg_logged_once", List.of(WebhookDeliveries.WITHHELD_NOW_PRIVATE,
                        WebhookDeliveries.WITHHELD_NOW_PRIVATE));

        jdbc.sql("UPDATE patients SET visibility_option = 'private', user_id = ? WHERE id = ?")
                .params(t.clinician().id(), madePrivate.id()).update();

        JsonNode detail = api.get("/webhook-deliveries/" + readableDelivery, "application/json").json();
        List<String> excerpts = new ArrayList<>();
        detail.get("attempts").forEach(a -> {
            if ("msg_batch_of_two".equals(a.get("requestId").asString())) {
                excerpts.add(a.get("responseExcerpt").asString());
            }
        });
        assertThat(excerpts).as("the answer to a POST that carried a note this viewer may no longer read")
                .containsExactly(WebhookDeliveries.WITHHELD_NOW_PRIVATE);
    }

    /** A patient created without a visibility option is shared: its notes' answers are shown like any other's. */
    @Test
    void aReceiversAnswerIsShownForAPatientWithoutAVisibilityOption() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode webhook = webhook(api, receiver.url(), "new_note");
        receiver.answer(r -> new Receiver.Answer(500, Map.of(), "{\"error\":\"boom\"}", 0));
        NoteFixture.Patient patient = notes.patient(t);
        jdbc.sql("UPDATE patients SET visibility_option = NULL WHERE id = ?").param(patient.id()).update();
        notes.note(t, patient, "A note about a patient created without a visibility option.");
        JsonNode deliveries = awaitAll(api, webhook, 1, d -> d.get("attemptCount").asInt() >= 1);
        assertThat(api.get("/webhook-deliveries/" + deliveries.get(0).get("uuid").asString(), "application/json").json()
                .at("/attempts/0/responseExcerpt").asString()).isEqualTo("{\"error\":\"boom\"}");
    }

    @Test
    void aReceiversAnswerIsShownToTokensThatMayReadNotesAndWithheldWhenItRepeatsTheNote() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode webhook = webhook(api, receiver.url(), "new_note");
        receiver.answer(r -> new Receiver.Answer(422, Map.of(), r.json().at("/events/0/metadata/note/content")
                .asString().startsWith("Short") ? "{\"error\":\"not imported: Short \\u00e9t\\u00e9 note\"}"
                : "{\"error\":\"chart locked\"}", 0));
        NoteFixture.Patient patient = notes.patient(t);
        notes.note(t, patient, "A long enough note about a dry cough.");
        // One after the other: in one batch both would share one answer.
        awaitAll(api, webhook, 1, d -> d.get("attemptCount").asInt() >= 1);
        notes.note(t, patient, "Short été note");
        JsonNode deliveries = awaitAll(api, webhook, 2, d -> d.get("attemptCount").asInt() >= 1);

        Http readerOfWebhooksOnly = t.api(port, "read:webhooks");
        List<String> shown = new ArrayList<>();
        List<String> shownWithoutNotes = new ArrayList<>();
        for (JsonNode d : deliveries) {
            String path = "/webhook-deliveries/" + d.get("uuid").asString();
            shown.add(api.get(path, "application/json").json().at("/attempts/0/responseExcerpt").asString());
            shownWithoutNotes.add(readerOfWebhooksOnly.get(path, "application/json").json()
                    .at("/attempts/0/responseExcerpt").asString());
        }
        assertThat(shown).containsExactlyInAnyOrder("{\"error\":\"chart locked\"}",
                "[withheld: the response repeats the request]");
        assertThat(shownWithoutNotes).containsOnly(WebhookDeliveries.WITHHELD_FROM_SCOPE);

        // The patient made private to its clinician: the integration can no longer read the notes, nor answers.
        jdbc.sql("UPDATE patients SET visibility_option = 'private', user_id = ? WHERE id = ?")
                .params(t.clinician().id(), patient.id()).update();
        for (JsonNode d : deliveries) {
            assertThat(api.get("/webhook-deliveries/" + d.get("uuid").asString(), "application/json").json()
                    .at("/attempts/0/responseExcerpt").asString()).isEqualTo(WebhookDeliveries.WITHHELD_NOW_PRIVATE);
        }
    }

    @Test
    void deliveriesAreMeasured() {
        double before = meters.get("notesync.webhook.deliveries").tag("outcome", "succeeded").counter().count();
        long lagBefore = meters.get("notesync.webhook.lag").timer().count();
        Tenants.Tenant t = tenants.create();
        webhook(t.api(port), receiver.url(), "new_note");
        notes.note(t, notes.patient(t), "measured");

        await().atMost(WAIT).until(() -> meters.get("notesync.webhook.deliveries").tag("outcome", "succeeded")
                .counter().count() >= before + 1);
        assertThat(meters.get("notesync.webhook.lag").timer().count()).isGreaterThan(lagBefore);
        assertThat(meters.get("notesync.webhook.attempt.duration").tag("result", "success").timer().count())
                .isPositive();
        assertThat(meters.get("notesync.webhook.failure.queue").gauge().value()).isNotNegative();
    }

    @Test
    void eventsDueTogetherGoInOnePost() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        webhook(api, receiver.url(), "new_note");
        List<Note> three = notes.notes(t, notes.patient(t), 3);

        await().atMost(WAIT).until(() -> receiver.eventIds().size() == 3);
        assertThat(receiver.requests()).hasSize(1);
        assertThat(receiver.eventIds()).containsExactlyInAnyOrderElementsOf(
                three.stream().map(n -> n.uuid().toString()).toList());
    }

    @Test
    void bothSecretsSignDuringARotationThenOnlyTheNewOne() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode webhook = webhook(api, receiver.url(), "new_note");
        String oldSecret = webhook.get("secret").asString();
        Http.Response rotated = api.post("/webhooks/" + webhook.get("uuid").asString() + "/rotate-secret", Map.of());
        assertThat(rotated.status()).isEqualTo(200);
        String newSecret = rotated.json().get("secret").asString();
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
        assertThat(rotated.json().get("previousSecretExpiresAt").asString()).isNotNull();
        assertThat(api.get("/webhooks/" + webhook.get("uuid").asString()).json().has("secret"))
                .as("a secret is shown once").isFalse();

        NoteFixture.Patient patient = notes.patient(t);
        notes.note(t, patient, "during the overlap");
        await().atMost(WAIT).until(() -> receiver.requests().size() == 1);
        Receiver.Request during = receiver.requests().get(0);
        assertThat(during.header("webhook-signature").split(" ")).hasSize(2);
        new Webhook(oldSecret).verify(during.body(), during.headerLists());
        new Webhook(newSecret).verify(during.body(), during.headerLists());

        clock.advance(Duration.ofHours(24).plusMinutes(1));
        notes.note(t, patient, "after the overlap");
        await().atMost(WAIT).until(() -> receiver.requests().size() == 2);
        Receiver.Request after = receiver.requests().get(1);
        assertThat(after.header("webhook-signature")).isEqualTo(new Webhook(newSecret).sign(
                after.header("webhook-id"), Long.parseLong(after.header("webhook-timestamp")), after.body()));
    }

    @Test
    void retriesAfter5Then10Then20SecondsThenTheFailureQueueThenAReplayWithTheSameEventIds() {
        clock.freeze();
        receiver.answer(r -> Receiver.Answer.status(500));
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode webhook = webhook(api, receiver.url(), "new_note");
        Note note = notes.note(t, notes.patient(t), "will fail four times");

        JsonNode delivery = awaitDelivery(api, webhook, d -> d.get("attemptCount").asInt() == 1);
        Instant first = Dates.parseInstant(delivery.get("firstAttemptAt").asString());
        assertThat(delivery.get("status").asString()).isEqualTo("pending");
        assertThat(Dates.parseInstant(delivery.get("nextAttemptAt").asString())).isEqualTo(first.plusSeconds(5));
        int attempt = 1;
        for (int wait : new int[] {5, 10, 20}) {
            clock.advance(Duration.ofSeconds(wait));
            engine.wake();
            int expected = ++attempt;
            delivery = awaitDelivery(api, webhook, d -> d.get("attemptCount").asInt() == expected);
        }
        assertThat(delivery.get("status").asString()).isEqualTo("failed");
        assertThat(delivery.get("nextAttemptAt").isNull()).isTrue();
        assertThat(receiver.requests()).hasSize(4);
        String deliveryId = delivery.get("uuid").asString();
        List<Instant> times = new ArrayList<>();
        api.get("/webhook-deliveries/" + deliveryId, "application/json").json().get("attempts")
                .forEach(a -> times.add(Dates.parseInstant(a.get("attemptedAt").asString())));
        assertThat(times).containsExactly(first, first.plusSeconds(5), first.plusSeconds(15), first.plusSeconds(35));

        JsonNode queue = api.get("/webhook-deliveries?status=failed", "application/json").json();
        assertThat(queue).hasSize(1);
        assertThat(queue.get(0).get("uuid").asString()).isEqualTo(deliveryId);
        assertThat(queue.get(0).get("lastError").asString()).isEqualTo("http_status");
        assertThat(queue.get(0).get("lastStatusCode").asInt()).isEqualTo(500);

        receiver.answer(r -> Receiver.Answer.ok());
        Http.Response retry = api.post("/webhook-deliveries/" + deliveryId + "/retry", Map.of());
        assertThat(retry.status()).as(retry.toString()).isEqualTo(202);
        await().atMost(WAIT).until(() -> receiver.requests().size() == 5);
        List<Receiver.Request> all = receiver.requests();
        for (Receiver.Request r : all) {
            assertThat(r.eventIds()).containsExactly(note.uuid().toString());
            assertThat(r.header("webhook-id")).isEqualTo(all.get(0).header("webhook-id"));
        }
        delivery = awaitDelivery(api, webhook, d -> d.get("status").asString().equals("succeeded"));
        assertThat(delivery.get("replays").asInt()).isEqualTo(1);
        assertThat(api.get("/webhook-deliveries?status=failed", "application/json").json()).isEmpty();
        assertThat(api.post("/webhook-deliveries/" + UUID.randomUUID() + "/retry", Map.of()).status())
                .isEqualTo(404);
    }

    /** Three notes whose deliveries to a webhook failed all four attempts, on a frozen clock. */
    private record FailedThree(Http api, JsonNode webhook, String id, List<Note> notes, Instant since, String window) {
    }

    private FailedThree failedThree() {
        clock.freeze();
        Instant since = clock.instant().minusSeconds(60);
        receiver.answer(r -> Receiver.Answer.status(503));
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode webhook = webhook(api, receiver.url(), "new_note");
        String id = webhook.get("uuid").asString();
        List<Note> three = notes.notes(t, notes.patient(t), 3);
        awaitAll(api, webhook, 3, d -> d.get("attemptCount").asInt() == 1);
        for (int wait : new int[] {5, 10, 20}) {
            clock.advance(Duration.ofSeconds(wait));
            engine.wake();
            int expected = switch (wait) { case 5 -> 2; case 10 -> 3; default -> 4; };
            awaitAll(api, webhook, 3, d -> d.get("attemptCount").asInt() == expected);
        }
        String window = "createdAt%5Bafter%5D=" + Dates.format(since).replace("+", "%2B");
        assertThat(api.get("/webhooks/" + id + "/deliveries?status=failed&" + window, "application/json").json())
                .hasSize(3);
        return new FailedThree(api, webhook, id, three, since, window);
    }

    /**
     * The outbox judges a note when it is written; a replay judges it again: once the patient is made
     * private, its failed deliveries to an organization-wide webhook are neither retried nor recovered.
     */
    @Test
    void aPatientMadePrivateKeepsItsFailedDeliveriesFromBeingReplayedToAnOrganizationWideWebhook() {
        FailedThree failed = failedThree();
        Http api = failed.api();
        receiver.answer(r -> Receiver.Answer.ok());
        int before = receiver.requests().size();
        UUID patient = jdbc.sql("SELECT patient_id FROM notes WHERE id = ?").param(failed.notes().get(0).uuid())
                .query(UUID.class).single();
        jdbc.sql("UPDATE patients SET visibility_option = 'private', user_id = (SELECT id FROM users u"
                + " WHERE u.organization_id = patients.organization_id ORDER BY u.id LIMIT 1) WHERE id = ?")
                .param(patient).update();
        String delivery = api.get("/webhooks/" + failed.id() + "/deliveries?status=failed", "application/json")
                .json().get(0).get("uuid").asString();

        Http.Response retry = api.post("/webhook-deliveries/" + delivery + "/retry", Map.of());
        assertThat(retry.status()).as(retry.toString()).isEqualTo(409);
        assertThat(retry.json().get("detail").asString()).contains("made private since");
        Http.Response recover = api.post("/webhooks/" + failed.id() + "/recover",
                Map.of("since", Dates.format(failed.since())));
        assertThat(recover.status()).as(recover.toString()).isEqualTo(202);
        assertThat(recover.json().get("total").asInt()).isZero();
        String location = recover.header("Location");
        await().atMost(WAIT).until(() -> api.get(location, "application/json").json().get("status").asString()
                .equals("completed"));
        assertThat(api.get(location, "application/json").json().get("replayed").asInt()).isZero();

        jdbc.sql("UPDATE patients SET visibility_option = 'shared' WHERE id = ?").param(patient).update();
        assertThat(api.post("/webhook-deliveries/" + delivery + "/retry", Map.of()).status())
                .as("shared again").isEqualTo(202);
        await().atMost(WAIT).until(() -> receiver.requests().size() == before + 1);
    }

    @Test
    void recoverReplaysEveryFailedDeliveryOfTheWindowInTheBackground() {
        FailedThree failed = failedThree();
        Http api = failed.api();
        JsonNode webhook = failed.webhook();
        String id = failed.id();
        List<Note> three = failed.notes();
        Instant since = failed.since();
        String window = failed.window();

        receiver.answer(r -> Receiver.Answer.ok());
        int before = receiver.requests().size();
        Http.Response started = api.post("/webhooks/" + id + "/recover", Map.of("since", Dates.format(since),
                "until", Dates.format(clock.instant().plusSeconds(60))));
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        String location = started.header("Location");
        assertThat(location).startsWith("/webhooks/" + id + "/recoveries/");
        assertThat(started.json().get("total").asInt()).isEqualTo(3);
        await().atMost(WAIT).until(() -> api.get(location, "application/json").json().get("status").asString()
                .equals("completed"));
        JsonNode recovery = api.get(location, "application/json").json();
        assertThat(recovery.get("replayed").asInt()).isEqualTo(3);

        awaitAll(api, webhook, 3, d -> d.get("status").asString().equals("succeeded"));
        assertThat(api.get("/webhooks/" + id + "/deliveries?status=failed&" + window, "application/json").json())
                .isEmpty();
        List<String> replayed = new ArrayList<>();
        receiver.requests().subList(before, receiver.requests().size()).forEach(r -> replayed.addAll(r.eventIds()));
        assertThat(replayed).containsExactlyInAnyOrderElementsOf(three.stream().map(n -> n.uuid().toString()).toList());
    }

    /**
     * Notes written while a webhook was paused got no delivery to it. replay-missing sends each of them once,
     * as other webhooks got it where one did (the same event id and payload), or as the note is now where no
     * webhook took it; a change made meanwhile is sent as the note's latest updated_note; a private patient's
     * note stays out of an organization-wide webhook; and asking again sends nothing.
     */
    @Test
    void replayMissingSendsTheNoteEventsWrittenWhileTheWebhookWasPausedOnce() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        Instant since = clock.instant().minusSeconds(1);
        String id = webhook(api, receiver.url(), "new_note", "updated_note").get("uuid").asString();
        Receiver other = new Receiver();
        cleanup.add(other::close);
        String otherId = webhook(api, other.url(), "new_note").get("uuid").asString();
        NoteFixture.Patient patient = notes.patient(t);
        Note before = notes.note(t, patient, "Written while both were active.");
        await().atMost(WAIT).until(() -> receiver.eventIds().size() == 1 && other.eventIds().size() == 1);

        assertThat(api.patch("/webhooks/" + id, Map.of("active", false)).status()).isEqualTo(200);
        Note seenByTheOther = notes.note(t, patient, "Written while only the other was active.");
        await().atMost(WAIT).until(() -> other.eventIds().size() == 2);
        assertThat(api.patch("/webhooks/" + otherId, Map.of("active", false)).status()).isEqualTo(200);
        Note seenByNone = notes.note(t, patient, "Written while neither was active.");
        clock.advance(Duration.ofSeconds(2));
        notes.updateContent(t, patient, before, "Changed while neither was active.");
        notes.note(t, notes.patient(t, "private", t.clinician().id()), "A private patient's note.");
        clock.advance(Duration.ofSeconds(1));
        assertThat(receiver.eventIds()).as("nothing was sent while it was paused").hasSize(1);

        Http.Response refused = api.post("/webhooks/" + id + "/replay-missing", Map.of("since", Dates.format(since)));
        assertThat(refused.status()).as("inactive: nothing can be sent").isEqualTo(409);
        assertThat(api.patch("/webhooks/" + id, Map.of("active", true)).status()).isEqualTo(200);
        Http.Response started = api.post("/webhooks/" + id + "/replay-missing", Map.of("since", Dates.format(since)));
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        assertThat(started.json().get("kind").asString()).isEqualTo("missing");
        assertThat(started.json().get("total").asInt()).isEqualTo(3);
        String location = started.header("Location");
        await().atMost(WAIT).until(() -> api.get(location, "application/json").json().get("status").asString()
                .equals("completed"));
        assertThat(api.get(location, "application/json").json().get("replayed").asInt()).isEqualTo(3);
        await().atMost(WAIT).until(() -> receiver.eventIds().size() == 4);

        Map<String, JsonNode> sent = new java.util.HashMap<>();
        receiver.requests().subList(1, receiver.requests().size())
                .forEach(r -> r.json().get("events").forEach(e -> sent.put(e.at("/metadata/note/uuid").asString()
                        + " " + e.get("action").asString(), e)));
        assertThat(sent.keySet()).containsExactlyInAnyOrder(seenByTheOther.uuid() + " new_note",
                seenByNone.uuid() + " new_note", before.uuid() + " updated_note");
        JsonNode asTheOtherGotIt = other.requests().get(1).json().get("events").get(0);
        assertThat(sent.get(seenByTheOther.uuid() + " new_note")).isEqualTo(asTheOtherGotIt);
        JsonNode rendered = sent.get(seenByNone.uuid() + " new_note");
        assertThat(rendered.get("id").asString()).isEqualTo(seenByNone.uuid().toString());
        assertThat(rendered.at("/metadata/note/content").asString()).isEqualTo("Written while neither was active.");
        JsonNode change = sent.get(before.uuid() + " updated_note");
        assertThat(change.get("id").asString()).isNotEqualTo(before.uuid().toString());
        assertThat(change.at("/metadata/note/content").asString()).isEqualTo("Changed while neither was active.");
        assertThat(change.at("/resource_metadata/organization_id").asString())
                .isEqualTo(t.organization().id().toString());

        Http.Response again = api.post("/webhooks/" + id + "/replay-missing", Map.of("since", Dates.format(since)));
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("total").asInt()).as("nothing is missing any more").isZero();
        String second = again.header("Location");
        await().atMost(WAIT).until(() -> api.get(second, "application/json").json().get("status").asString()
                .equals("completed"));
        assertThat(api.get(second, "application/json").json().get("replayed").asInt()).isZero();
        assertThat(receiver.eventIds()).hasSize(4);
    }

    /**
     * A clinician's own webhook also misses its clinician's private patients' notes, and is sent them; the
     * window's end keeps later notes out; a subscription to new_note alone is not sent changes.
     */
    @Test
    void replayMissingSendsAClinicianWebhookItsPrivateNotesWithinTheWindowOnly() {
        Tenants.Tenant t = tenants.create();
        Http clinician = t.clinicianApi(port);
        Instant since = clock.instant().minusSeconds(1);
        String id = webhook(clinician, receiver.url(), "new_note").get("uuid").asString();
        assertThat(clinician.patch("/webhooks/" + id, Map.of("active", false)).status()).isEqualTo(200);
        NoteFixture.Patient mine = notes.patient(t, "private", t.clinician().id());
        Note privateNote = notes.note(t, mine, "A private patient's note.");
        notes.updateContent(t, mine, privateNote, "Changed, but changes are not subscribed to.");
        clock.advance(Duration.ofSeconds(5));
        Instant until = clock.instant();
        clock.advance(Duration.ofSeconds(5));
        notes.note(t, notes.patient(t), "After the window.");
        assertThat(clinician.patch("/webhooks/" + id, Map.of("active", true)).status()).isEqualTo(200);

        Http.Response started = clinician.post("/webhooks/" + id + "/replay-missing",
                Map.of("since", Dates.format(since), "until", Dates.format(until)));
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        assertThat(started.json().get("total").asInt()).isEqualTo(1);
        await().atMost(WAIT).until(() -> receiver.eventIds().size() == 1);
        assertThat(receiver.eventIds()).containsExactly(privateNote.uuid().toString());
        assertThat(receiver.requests().get(0).json().at("/events/0/metadata/note/content").asString())
                .isEqualTo("Changed, but changes are not subscribed to.");
    }

    /**
     * A note created before the window and changed in it is missing only its change: one updated_note, under
     * a new id, also where the webhook never got the note's new_note (registered later) or its delivery went
     * with the retention. A new_note under the note's uuid would be dropped by the receiver as a duplicate,
     * and the change with it.
     */
    @Test
    void replayMissingSendsANoteCreatedBeforeTheWindowOnlyItsChange() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        String old = webhook(api, receiver.url(), "new_note", "updated_note").get("uuid").asString();
        NoteFixture.Patient patient = notes.patient(t);
        Note expired = notes.note(t, patient, "Delivered, then expired.");
        await().atMost(WAIT).until(() -> receiver.eventIds().size() == 1);
        // What the retention's expiry leaves of that history: neither the delivery nor its event.
        jdbc.sql("DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries"
                + " WHERE webhook_id = ?)").param(UUID.fromString(old)).update();
        jdbc.sql("DELETE FROM webhook_deliveries WHERE webhook_id = ?").param(UUID.fromString(old)).update();
        jdbc.sql("DELETE FROM webhook_events WHERE note_id = ?").param(expired.uuid()).update();
        Note unseen = notes.note(t, patient, "Written before the second webhook.");
        await().atMost(WAIT).until(() -> receiver.eventIds().size() == 2);
        clock.advance(Duration.ofSeconds(5));
        Instant since = clock.instant();

        Receiver later = new Receiver();
        cleanup.add(later::close);
        String id = webhook(api, later.url(), "new_note", "updated_note").get("uuid").asString();
        for (String webhook : List.of(old, id)) {
            assertThat(api.patch("/webhooks/" + webhook, Map.of("active", false)).status()).isEqualTo(200);
        }
        clock.advance(Duration.ofSeconds(1));
        notes.updateContent(t, patient, expired, "The expired one, changed while paused.");
        notes.updateContent(t, patient, unseen, "The unseen one, changed while paused.");
        clock.advance(Duration.ofSeconds(1));
        for (String webhook : List.of(old, id)) {
            assertThat(api.patch("/webhooks/" + webhook, Map.of("active", true)).status()).isEqualTo(200);
        }

        for (String webhook : List.of(old, id)) {
            Http.Response started = api.post("/webhooks/" + webhook + "/replay-missing",
                    Map.of("since", Dates.format(since)));
            assertThat(started.status()).as(started.toString()).isEqualTo(202);
            assertThat(started.json().get("total").asInt()).isEqualTo(2);
            String location = started.header("Location");
            await().atMost(WAIT).until(() -> api.get(location, "application/json").json().get("status")
                    .asString().equals("completed"));
            assertThat(api.get(location, "application/json").json().get("replayed").asInt())
                    .as("one event per note, as counted").isEqualTo(2);
        }
        await().atMost(WAIT).until(() -> receiver.eventIds().size() == 4 && later.eventIds().size() == 2);
        for (Receiver r : List.of(receiver, later)) {
            List<JsonNode> events = new ArrayList<>();
            r.requests().forEach(request -> request.json().get("events").forEach(events::add));
            List<JsonNode> replayed = events.subList(r == receiver ? 2 : 0, events.size());
            assertThat(replayed).extracting(e -> e.get("action").asString())
                    .containsExactly("updated_note", "updated_note");
            assertThat(replayed).extracting(e -> e.at("/metadata/note/content").asString())
                    .containsExactlyInAnyOrder("The expired one, changed while paused.",
                            "The unseen one, changed while paused.");
            assertThat(replayed).extracting(e -> e.get("id").asString())
                    .doesNotContain(expired.uuid().toString(), unseen.uuid().toString());
        }
    }

    /**
     * Events written before V15 had no note_id; the migration reads it from a new_note's id and from an
     * updated_note's payload. Its two UPDATEs, run here on this database against events the outbox really wrote
     * (their note_id cleared), find the notes again.
     */
    @Test
    void theMigrationFindsTheNotesOfEventsWrittenBeforeIt() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        webhook(api, receiver.url(), "new_note", "updated_note");
        NoteFixture.Patient patient = notes.patient(t);
        Note note = notes.note(t, patient, "Before the migration.");
        notes.updateContent(t, patient, note, "Changed before the migration.");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_events WHERE note_id = ?").param(note.uuid())
                .query(Integer.class).single()).isEqualTo(2);
        jdbc.sql("UPDATE webhook_events SET note_id = NULL WHERE note_id = ?").param(note.uuid()).update();

        String migration = new String(getClass().getResourceAsStream("/db/migration/V15__webhook_replay_missing.sql")
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        List<String> updates = java.util.Arrays.stream(migration.replaceAll("(?m)^--.*$", "").split(";"))
                .map(String::strip).filter(statement -> statement.startsWith("UPDATE webhook_events")).toList();
        assertThat(updates).hasSize(2);
        updates.forEach(update -> jdbc.sql(update).update());

        assertThat(jdbc.sql("SELECT action FROM webhook_events WHERE note_id = ? ORDER BY action")
                .param(note.uuid()).query(String.class).list()).containsExactly("new_note", "updated_note");
    }

    /** Before the retention, what was sent can no longer be told from what was not: the request says so. */
    @Test
    void replayMissingRefusesAWindowStartingBeforeTheDeliveryHistorysRetention() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        String id = webhook(api, receiver.url(), "new_note").get("uuid").asString();
        Http.Response refused = api.post("/webhooks/" + id + "/replay-missing",
                Map.of("since", Dates.format(clock.instant().minus(Duration.ofDays(91)))));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        assertThat(refused.json().at("/violations/0/propertyPath").asString()).isEqualTo("since");
        assertThat(refused.json().at("/violations/0/message").asString())
                .isEqualTo("This value should be within the delivery history's retention (the last 90 days).");
        assertThat(api.post("/webhooks/" + id + "/replay-missing",
                Map.of("since", Dates.format(clock.instant().minus(Duration.ofDays(89))))).status()).isEqualTo(202);
    }

    /**
     * A node that accepted a recovery stopped before replaying it: its row says running, with a lease of
     * that node's. No other node touches it while the lease lasts; once it has run out, the next look for
     * abandoned recoveries on any node takes it over and replays the window.
     */
    @Test
    void aRecoveryWhoseNodeStoppedIsResumedByAnotherOnceItsLeaseRunsOut() {
        FailedThree failed = failedThree();
        receiver.answer(r -> Receiver.Answer.ok());
        int before = receiver.requests().size();
        UUID recovery = running(failed, "a-stopped-node");
        String location = "/webhooks/" + failed.id() + "/recoveries/" + recovery;

        // Other classes' recoveries share this database, so the assertions read this one's row.
        recoveries.resumeAbandoned();
        assertThat(lockedBy(recovery)).as("its lease still runs").containsExactly("a-stopped-node");
        assertThat(failed.api().get(location, "application/json").json().get("replayed").asInt()).isZero();

        clock.advance(Duration.ofSeconds(31));
        recoveries.resumeAbandoned();
        await().atMost(WAIT).until(() -> failed.api().get(location, "application/json").json().get("status")
                .asString().equals("completed"));
        assertThat(failed.api().get(location, "application/json").json().get("replayed").asInt()).isEqualTo(3);
        assertThat(lockedBy(recovery)).as("a completed recovery holds no lease").containsExactly((String) null);
        assertThat(jdbc.sql("SELECT takeovers FROM webhook_recoveries WHERE id = ?").param(recovery)
                .query(Integer.class).single()).isEqualTo(1);
        awaitAll(failed.api(), failed.webhook(), 3, d -> d.get("status").asString().equals("succeeded"));
        List<String> replayed = new ArrayList<>();
        receiver.requests().subList(before, receiver.requests().size()).forEach(r -> replayed.addAll(r.eventIds()));
        assertThat(replayed).containsExactlyInAnyOrderElementsOf(
                failed.notes().stream().map(n -> n.uuid().toString()).toList());
    }

    /** A recovery taken over again and again (it fails on every node) ends, instead of running forever. */
    @Test
    void aRecoveryTakenOverTooOftenEndsInterrupted() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        String id = webhook(api, receiver.url(), "new_note").get("uuid").asString();
        clock.freeze();
        Instant now = clock.instant();
        UUID recovery = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO webhook_recoveries (id, webhook_id, organization_id, window_start, window_end, status,
                                                total, replayed, created_at, locked_by, locked_until, takeovers)
                SELECT ?, id, organization_id, ?, ?, 'running', 0, 0, ?, 'a-stopped-node', ?, ? FROM webhooks
                WHERE id = ?""")
                .params(recovery, utc(now.minusSeconds(60)), utc(now), utc(now), utc(now.minusSeconds(1)),
                        Recoveries.MAX_TAKEOVERS, UUID.fromString(id))
                .update();

        recoveries.resumeAbandoned();

        JsonNode ended = api.get("/webhooks/" + id + "/recoveries/" + recovery, "application/json").json();
        assertThat(ended.get("status").asString()).isEqualTo("interrupted");
        assertThat(ended.get("completedAt").isNull()).isFalse();
        assertThat(lockedBy(recovery)).containsExactly((String) null);
    }

    /**
     * A node whose lease ran out while it was stalled (a long pause, a lost connection) finds at its next
     * chunk that another node took the recovery over: it replays nothing and leaves the row to that node.
     */
    @Test
    void aRunWhoseLeaseAnotherNodeTookReplaysNothing() {
        FailedThree failed = failedThree();
        receiver.answer(r -> Receiver.Answer.ok());
        UUID recovery = running(failed, "another-node");

        recoveries.run(recovery);

        assertThat(lockedBy(recovery)).containsExactly("another-node");
        JsonNode row = failed.api().get("/webhooks/" + failed.id() + "/recoveries/" + recovery, "application/json")
                .json();
        assertThat(row.get("status").asString()).isEqualTo("running");
        assertThat(row.get("replayed").asInt()).isZero();
        assertThat(failed.api().get("/webhooks/" + failed.id() + "/deliveries?status=failed&" + failed.window(),
                "application/json").json()).as("nothing replayed").hasSize(3);
    }

    /**
     * A node that stops gives its leases back: the next look on any node resumes its recoveries at once
     * instead of after the lease, and another node's leases are left alone.
     */
    @Test
    void leasesGivenBackAreResumedAtTheNextLookAndOthersAreLeftAlone() {
        FailedThree failed = failedThree();
        receiver.answer(r -> Receiver.Answer.ok());
        UUID mine = running(failed, node.value());
        UUID theirs = running(failed, "another-node");

        assertThat(recoveries.giveBack()).isEqualTo(1);

        assertThat(lockedBy(mine)).containsExactly((String) null);
        assertThat(lockedBy(theirs)).containsExactly("another-node");
        recoveries.resumeAbandoned();
        String location = "/webhooks/" + failed.id() + "/recoveries/" + mine;
        await().atMost(WAIT).until(() -> failed.api().get(location, "application/json").json().get("status")
                .asString().equals("completed"));
        assertThat(failed.api().get(location, "application/json").json().get("replayed").asInt()).isEqualTo(3);
        assertThat(lockedBy(theirs)).containsExactly("another-node");
    }

    /** A running recovery of the three failed deliveries' window, leased to {@code holder} for 30 s. */
    private UUID running(FailedThree failed, String holder) {
        UUID recovery = UUID.randomUUID();
        Instant now = clock.instant();
        jdbc.sql("""
                INSERT INTO webhook_recoveries (id, webhook_id, organization_id, window_start, window_end, status,
                                                total, replayed, created_at, locked_by, locked_until)
                SELECT ?, id, organization_id, ?, ?, 'running', 3, 0, ?, ?, ? FROM webhooks WHERE id = ?""")
                .params(recovery, utc(failed.since()), utc(now.plusSeconds(60)), utc(now), holder,
                        utc(now.plusSeconds(30)), UUID.fromString(failed.id()))
                .update();
        return recovery;
    }

    private List<String> lockedBy(UUID recovery) {
        return jdbc.sql("SELECT locked_by FROM webhook_recoveries WHERE id = ?").param(recovery)
                .query((rs, n) -> rs.getString(1)).list();
    }

    @Test
    void goneDisablesTheWebhookAndSaysWhy() {
        receiver.answer(r -> Receiver.Answer.status(410));
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode webhook = webhook(api, receiver.url(), "new_note");
        String id = webhook.get("uuid").asString();
        notes.note(t, notes.patient(t), "gone");

        JsonNode delivery = awaitDelivery(api, webhook, d -> d.get("status").asString().equals("failed"));
        assertThat(delivery.get("attemptCount").asInt()).isEqualTo(1);
        assertThat(delivery.get("lastError").asString()).isEqualTo("gone");
        JsonNode disabled = api.get("/webhooks/" + id, "application/json").json();
        assertThat(disabled.get("active").asBoolean()).isFalse();
        assertThat(disabled.get("disabledReason").asString()).contains("410");

        Http.Response reactivated = api.patch("/webhooks/" + id, Map.of("active", true));
        assertThat(reactivated.status()).isEqualTo(200);
        assertThat(reactivated.json().get("active").asBoolean()).isTrue();
        assertThat(reactivated.json().get("disabledReason").isNull()).isTrue();
    }

    @Test
    void tooManyRequestsIsRetriedAfterItsRetryAfter() {
        clock.freeze();
        receiver.answer(r -> receiver.requests().size() == 1
                ? new Receiver.Answer(429, Map.of("Retry-After", "30"), "", 0) : Receiver.Answer.ok());
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode webhook = webhook(api, receiver.url(), "new_note");
        notes.note(t, notes.patient(t), "slow down");

        JsonNode delivery = awaitDelivery(api, webhook, d -> d.get("attemptCount").asInt() == 1);
        assertThat(delivery.get("lastError").asString()).isEqualTo("rate_limited");
        Instant first = Dates.parseInstant(delivery.get("firstAttemptAt").asString());
        assertThat(Dates.parseInstant(delivery.get("nextAttemptAt").asString())).isEqualTo(first.plusSeconds(30));

        clock.advance(Duration.ofSeconds(30));
        engine.wake();
        delivery = awaitDelivery(api, webhook, d -> d.get("status").asString().equals("succeeded"));
        assertThat(delivery.get("attemptCount").asInt()).isEqualTo(2);
    }

    @Test
    void anAnswerAfterFiveSecondsIsATimeoutAndIsRetried() {
        receiver.answer(r -> new Receiver.Answer(200, Map.of(), "", 6_000));
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode webhook = webhook(api, receiver.url(), "new_note");
        notes.note(t, notes.patient(t), "too slow");

        JsonNode delivery = awaitDelivery(api, webhook, d -> d.get("attemptCount").asInt() == 1);
        assertThat(delivery.get("status").asString()).isEqualTo("pending");
        assertThat(delivery.get("lastError").asString()).isEqualTo("timeout");
        assertThat(delivery.get("lastStatusCode").isNull()).isTrue();
    }

    @Test
    void aRedirectIsNotFollowedAndFailsTheAttempt() {
        receiver.answer(r -> new Receiver.Answer(302, Map.of("Location", receiver.url() + "/elsewhere"), "", 0));
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode webhook = webhook(api, receiver.url(), "new_note");
        notes.note(t, notes.patient(t), "redirected");

        JsonNode delivery = awaitDelivery(api, webhook, d -> d.get("attemptCount").asInt() == 1);
        assertThat(delivery.get("status").asString()).isEqualTo("pending");
        assertThat(delivery.get("lastError").asString()).isEqualTo("redirect");
        assertThat(delivery.get("lastStatusCode").asInt()).isEqualTo(302);
        assertThat(receiver.requests()).hasSize(1);
    }

    @Test
    void aPrivatePatientsNoteGoesOnlyToWebhooksOwnedByThePatientsOwner() {
        Tenants.Tenant t = tenants.create();
        JsonNode orgWide = webhook(t.api(port), receiver.url(), "new_note");
        JsonNode owners = webhook(t.clinicianApi(port), receiver.url(), "new_note");
        JsonNode colleagues = webhook(t.clinicianApi(port, t.addClinician("Grace", "Hopper")), receiver.url(),
                "new_note");
        assertThat(owners.get("owner").asString()).isEqualTo(t.clinician().id().toString());
        assertThat(orgWide.get("owner").isNull()).isTrue();

        Note secret = notes.note(t, notes.patient(t, "private", t.clinician().id()), "private matters");
        Note shared = notes.note(t, notes.patient(t, "shared", t.clinician().id()), "shared matters");
        await().atMost(WAIT).until(() -> receiver.eventIds().size() == 4);
        assertThat(jdbc.sql("""
                SELECT COUNT(*) FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                WHERE e.event_id = ?""").param(secret.uuid()).query(Long.class).single())
                .as("fan-out happens in the note's transaction: one delivery only").isEqualTo(1);
        List<String> privateTo = new ArrayList<>();
        List<String> sharedTo = new ArrayList<>();
        for (Receiver.Request r : receiver.requests()) {
            String webhookId = r.json().get("meta").get("webhook_id").asString();
            for (String event : r.eventIds()) {
                (event.equals(secret.uuid().toString()) ? privateTo : sharedTo).add(webhookId);
            }
        }
        assertThat(privateTo).containsExactly(owners.get("uuid").asString());
        assertThat(sharedTo).containsExactlyInAnyOrder(orgWide.get("uuid").asString(), owners.get("uuid").asString(),
                colleagues.get("uuid").asString());
        assertThat(shared.uuid()).isNotNull();
    }

    /**
     * A note kept from a webhook while its patient was private is sent to it once the patient is given to the
     * webhook's clinician or shared: with its change, if it changed meanwhile; never again to a webhook that
     * had it.
     */
    @Test
    void aPatientHandedOnOrSharedSendsItsNotesToTheWebhooksThatMayNowReceiveThem() {
        Tenants.Tenant t = tenants.create();
        Accounts.User colleague = t.addClinician("Grace", "Hopper");
        JsonNode orgWide = webhook(t.api(port), receiver.url(), "new_note", "updated_note");
        JsonNode owners = webhook(t.clinicianApi(port), receiver.url(), "new_note");
        JsonNode colleagues = webhook(t.clinicianApi(port, colleague), receiver.url(), "new_note");
        NoteFixture.Patient patient = notes.patient(t, "private", t.clinician().id());
        Note note = notes.note(t, patient, "private matters");
        await().atMost(WAIT).until(() -> received(note).size() == 1);
        Http.Response edited = t.clinicianApi(port).patch("/notes/" + note.uuid(), Map.of("content", "amended"));
        assertThat(edited.status()).as(edited.toString()).isEqualTo(200);
        assertThat(received(note)).containsExactly(owners.get("uuid").asString() + " new_note");

        Http.Response handed = t.clinicianApi(port).patch("/patients/" + patient.id(),
                Map.of("user", colleague.id().toString()));
        assertThat(handed.status()).as(handed.toString()).isEqualTo(200);
        await().atMost(WAIT).until(() -> received(note).size() == 2);
        assertThat(received(note)).as("the colleague's webhook, now the patient's clinician's").containsExactly(
                owners.get("uuid").asString() + " new_note", colleagues.get("uuid").asString() + " new_note");

        Http.Response shared = t.clinicianApi(port, colleague).patch("/patients/" + patient.id(),
                Map.of("visibilityOption", "shared"));
        assertThat(shared.status()).as(shared.toString()).isEqualTo(200);
        await().atMost(WAIT).until(() -> received(note).size() == 4);
        assertThat(received(note)).as("the organization's: the note, then its change; no other twice")
                .containsExactly(owners.get("uuid").asString() + " new_note",
                        colleagues.get("uuid").asString() + " new_note",
                        orgWide.get("uuid").asString() + " new_note", orgWide.get("uuid").asString() + " updated_note");
        JsonNode update = receiver.requests().stream().flatMap(r -> r.json().get("events").valueStream())
                .filter(e -> e.get("action").asString().equals("updated_note")).findFirst().orElseThrow();
        assertThat(update.at("/metadata/note/content").asString()).isEqualTo("amended");

        Http.Response privateAgain = t.clinicianApi(port, colleague).patch("/patients/" + patient.id(),
                Map.of("visibilityOption", "private"));
        assertThat(privateAgain.status()).isEqualTo(200);
        Http.Response backToOwner = t.clinicianApi(port, colleague).patch("/patients/" + patient.id(),
                Map.of("user", t.clinician().id().toString()));
        assertThat(backToOwner.status()).isEqualTo(200);
        assertThat(jdbc.sql("""
                SELECT COUNT(*) FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                WHERE e.note_id = ?""").param(note.uuid()).query(Long.class).single())
                .as("back to a clinician whose webhook had it: nothing more").isEqualTo(4);
    }

    /** "webhook-uuid action" for each event of the note received, in the order received. */
    private List<String> received(Note note) {
        List<String> seen = new ArrayList<>();
        for (Receiver.Request r : receiver.requests()) {
            for (JsonNode event : r.json().get("events")) {
                if (event.at("/metadata/note/uuid").asString().equals(note.uuid().toString())) {
                    seen.add(r.json().at("/meta/webhook_id").asString() + " " + event.get("action").asString());
                }
            }
        }
        return seen;
    }

    @Test
    void updatedNoteGoesToItsSubscribersWithItsOwnEventId() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode webhook = webhook(api, receiver.url(), "updated_note");
        NoteFixture.Patient patient = notes.patient(t);
        Note note = notes.note(t, patient, "first version");
        notes.updateContent(t, patient, note, "second version");

        await().atMost(WAIT).until(() -> receiver.requests().size() == 1);
        JsonNode event = receiver.requests().get(0).json().get("events").get(0);
        assertThat(event.get("action").asString()).isEqualTo("updated_note");
        assertThat(event.get("id").asString()).isNotEqualTo(note.uuid().toString());
        assertThat(event.at("/metadata/note/uuid").asString()).isEqualTo(note.uuid().toString());
        assertThat(event.at("/metadata/note/content").asString()).isEqualTo("second version");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?")
                .param(UUID.fromString(webhook.get("uuid").asString())).query(Long.class).single())
                .as("no new_note delivery for a webhook that subscribes to updated_note only").isEqualTo(1);
    }

    @Test
    void testSendsAPing() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode webhook = webhook(api, receiver.url(), "new_note");
        Http.Response ping = api.post("/webhooks/" + webhook.get("uuid").asString() + "/test", Map.of());
        assertThat(ping.status()).as(ping.toString()).isEqualTo(202);
        assertThat(ping.json().get("action").asString()).isEqualTo("ping");

        await().atMost(WAIT).until(() -> receiver.requests().size() == 1);
        JsonNode event = receiver.requests().get(0).json().get("events").get(0);
        assertThat(event.get("action").asString()).isEqualTo("ping");
        assertThat(event.get("id").asString()).isEqualTo(ping.json().get("eventId").asString());
    }

    @Test
    void aNoteWhoseTransactionRollsBackLeavesNoEventAndNoDelivery() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode webhook = webhook(api, receiver.url(), "new_note");
        UUID noteId = notes.noteThenRollback(t, notes.patient(t));

        assertThat(noteId).isNotNull();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM notes WHERE id = ?").param(noteId).query(Long.class).single())
                .isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_events WHERE event_id = ?").param(noteId)
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?")
                .param(UUID.fromString(webhook.get("uuid").asString())).query(Long.class).single()).isZero();
        assertThat(receiver.requests()).isEmpty();
    }

    @Test
    void aNoteNoActiveWebhookTakesLeavesNoEventAndAnotherTakerGetsIt() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode updatesOnly = webhook(api, receiver.url(), "updated_note");
        JsonNode paused = webhook(api, receiver.url(), "new_note");
        assertThat(api.patch("/webhooks/" + paused.get("uuid").asString(), Map.of("active", false)).status())
                .isEqualTo(200);
        NoteFixture.Patient patient = notes.patient(t);
        Note untaken = notes.note(t, patient, "nobody subscribes to this");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_events WHERE event_id = ?").param(untaken.uuid())
                .query(Long.class).single()).as("no event row without a subscriber").isZero();

        JsonNode taker = webhook(api, receiver.url(), "updated_note", "new_note");
        Note taken = notes.note(t, patient, "one subscriber now");
        await().atMost(WAIT).until(() -> receiver.eventIds().size() == 1);
        assertThat(receiver.eventIds()).containsExactly(taken.uuid().toString());
        assertThat(receiver.requests().get(0).json().get("meta").get("webhook_id").asString())
                .isEqualTo(taker.get("uuid").asString());
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id IN (?, ?)")
                .params(UUID.fromString(updatesOnly.get("uuid").asString()),
                        UUID.fromString(paused.get("uuid").asString()))
                .query(Long.class).single()).isZero();
    }

    /** A webhook whose receiver answered its first note 500, with the clock frozen: it is failing. */
    private record Failing(Tenants.Tenant tenant, Http api, JsonNode webhook, String id, NoteFixture.Patient patient) {
    }

    private Failing failingWebhook() {
        clock.freeze();
        receiver.answer(r -> Receiver.Answer.status(500));
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode webhook = webhook(api, receiver.url(), "new_note");
        String id = webhook.get("uuid").asString();
        NoteFixture.Patient patient = notes.patient(t);
        notes.note(t, patient, "first failure");
        awaitDelivery(api, webhook, d -> d.get("attemptCount").asInt() == 1);
        assertThat(api.get("/webhooks/" + id, "application/json").json().get("failingSince").isNull()).isFalse();
        return new Failing(t, api, webhook, id, patient);
    }

    @Test
    void aSuccessAfterFailuresEndsTheFailureRun() {
        Failing f = failingWebhook();

        receiver.answer(r -> Receiver.Answer.status(200));
        clock.advance(Duration.ofSeconds(6));
        awaitDelivery(f.api(), f.webhook(), d -> "succeeded".equals(d.get("status").asString()));
        assertThat(f.api().get("/webhooks/" + f.id(), "application/json").json().get("failingSince").isNull())
                .isTrue();
    }

    @Test
    void aWebhookFailingForFiveDaysIsDisabled() {
        Failing f = failingWebhook();

        clock.advance(Duration.ofDays(5).plusSeconds(1));
        notes.note(f.tenant(), f.patient(), "still failing");
        await().atMost(WAIT).until(() -> !f.api().get("/webhooks/" + f.id(), "application/json").json().get("active")
                .asBoolean());
        assertThat(f.api().get("/webhooks/" + f.id(), "application/json").json().get("disabledReason").asString())
                .contains("failed since");
    }

    @Test
    void aDeletedWebhookLeavesTheApiAndTheQueueAtOnceAndThePurgeRemovesItsLog() {
        clock.freeze();
        receiver.answer(r -> Receiver.Answer.status(500));
        try (Receiver kept = new Receiver()) {
            kept.answer(r -> Receiver.Answer.status(500));
            Tenants.Tenant t = tenants.create();
            Http api = t.api(port);
            NoteFixture.Patient patient = notes.patient(t);
            JsonNode deleted = webhook(api, receiver.url(), "new_note");
            JsonNode other = webhook(api, kept.url(), "new_note");
            String id = deleted.get("uuid").asString();
            Note before = notes.note(t, patient, "before the delete");
            String delivery = awaitDelivery(api, deleted, d -> d.get("attemptCount").asInt() == 1).get("uuid")
                    .asString();
            awaitDelivery(api, other, d -> d.get("attemptCount").asInt() == 1);

            assertThat(api.delete("/webhooks/" + id).status()).isEqualTo(204);
            assertThat(api.get("/webhooks/" + id).status()).isEqualTo(404);
            assertThat(api.get("/webhooks/" + id + "/deliveries").status()).isEqualTo(404);
            assertThat(api.get("/webhook-deliveries/" + delivery).status()).isEqualTo(404);
            assertThat(api.post("/webhook-deliveries/" + delivery + "/retry", Map.of()).status()).isEqualTo(404);
            JsonNode log = api.get("/webhook-deliveries", "application/json").json();
            assertThat(log).hasSize(1);
            assertThat(log.get(0).get("webhook").asString()).isEqualTo(other.get("uuid").asString());

            // A new note writes no delivery for it, and its retry, due in the same claim as the other
            // webhook's, is left alone: neither leased nor attempted again.
            notes.note(t, patient, "after the delete");
            clock.advance(Duration.ofSeconds(5));
            engine.wake();
            awaitAll(api, other, 2, d -> d.get("attemptCount").asInt()
                    >= (d.get("eventId").asString().equals(before.uuid().toString()) ? 2 : 1));
            assertThat(jdbc.sql("SELECT attempts, locked_by FROM webhook_deliveries WHERE webhook_id = ?")
                    .param(UUID.fromString(id)).query((rs, row) -> rs.getInt(1) + " " + rs.getString(2)).list())
                    .containsExactly("1 null");
            assertThat(receiver.requests()).as("only the attempt before the delete").hasSize(1);

            purge.purge(clock.instant().minusSeconds(10));
            assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?")
                    .param(UUID.fromString(id)).query(Long.class).single()).as("not deleted long enough").isOne();
            assertThat(purge.purge(clock.instant().plusSeconds(1))).isPositive();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM webhooks WHERE id = ?").param(UUID.fromString(id))
                    .query(Long.class).single()).isZero();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?")
                    .param(UUID.fromString(id)).query(Long.class).single()).isZero();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_attempts WHERE delivery_id = ?")
                    .param(UUID.fromString(delivery)).query(Long.class).single()).isZero();
            assertThat(api.get("/webhooks/" + other.get("uuid").asString() + "/deliveries", "application/json")
                    .json()).as("the other webhook's log stays").hasSize(2);
        }
    }

    @Test
    void thePurgeGoesOnChunkAfterChunkUntilTheLogIsGone() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        String id = webhook(api, "http://127.0.0.1:9/hook", "new_note").get("uuid").asString();
        UUID webhookId = UUID.fromString(id);
        notes.note(t, notes.patient(t), "an event for the rows below");
        UUID event = jdbc.sql("SELECT event_id FROM webhook_deliveries WHERE webhook_id = ?").param(webhookId)
                .query(UUID.class).single();
        int rows = WebhookPurge.CHUNK * 2 + 7;
        for (int i = 0; i < rows; i++) {
            UUID deliveryId = UUID.randomUUID();
            jdbc.sql("""
                    INSERT INTO webhook_deliveries (id, webhook_id, organization_id, event_id, status, attempts,
                                                    created_at, replays)
                    VALUES (?, ?, ?, ?, 'failed', 4, ?, 0)""")
                    .params(deliveryId, webhookId, t.organization().id(), event,
                            OffsetDateTime.now(ZoneOffset.UTC)).update();
            jdbc.sql("""
                    INSERT INTO webhook_attempts (id, delivery_id, request_id, attempted_at, duration_ms, batch_size,
                                                  node_id)
                    VALUES (?, ?, 'msg_test', ?, 1, 1, 'test')""")
                    .params(UUID.randomUUID(), deliveryId, OffsetDateTime.now(ZoneOffset.UTC))
                    .update();
        }
        assertThat(api.delete("/webhooks/" + id).status()).isEqualTo(204);

        purge.purge(clock.instant().plusSeconds(1));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?").param(webhookId)
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("""
                SELECT COUNT(*) FROM webhook_attempts a
                WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.id = a.delivery_id)""")
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhooks WHERE id = ?").param(webhookId).query(Long.class)
                .single()).isZero();
    }

    JsonNode webhook(Http api, String url, String... events) {
        Http.Response created = api.post("/webhooks", Map.of("url", url, "events", List.of(events), "active", true));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("uuid").asString();
        cleanup.add(() -> api.delete("/webhooks/" + id));
        return created.json();
    }

    private JsonNode awaitDelivery(Http api, JsonNode webhook, java.util.function.Predicate<JsonNode> condition) {
        return awaitAll(api, webhook, 1, condition).get(0);
    }

    private JsonNode awaitAll(Http api, JsonNode webhook, int count, java.util.function.Predicate<JsonNode> condition) {
        String path = "/webhooks/" + webhook.get("uuid").asString() + "/deliveries";
        return await().atMost(WAIT).until(() -> api.get(path, "application/json").json(), list -> {
            if (list.size() != count) {
                return false;
            }
            for (JsonNode d : list) {
                if (!condition.test(d)) {
                    return false;
                }
            }
            return true;
        });
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.properties().forEach(e -> names.add(e.getKey()));
        return names;
    }
}
