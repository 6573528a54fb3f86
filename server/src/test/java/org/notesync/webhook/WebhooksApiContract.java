package org.notesync.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.notesync.support.ApiAssertions.assertProblem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The subscriptions API: shape, validation, scopes, and isolation between organizations. */
@ServerTest
abstract class WebhooksApiContract {

    /** Port 9 (discard) on loopback: nothing listens, so deliveries fail fast and stay local. */
    static final String LOCAL_URL = "http://127.0.0.1:9/hook";

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    /** A PATCH that changes nothing (the same values, a repeated event, an unknown property) is no change. */
    @Test
    void aPatchThatChangesNothingKeepsUpdatedAt() {
        Http api = tenants.create().api(port);
        JsonNode webhook = api.post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of("new_note"),
                "active", true)).json();
        String id = webhook.get("uuid").asString();
        String updatedAt = webhook.get("updatedAt").asString();
        for (Map<String, Object> same : List.of(Map.<String, Object>of("events", List.of("new_note", "new_note")),
                Map.<String, Object>of("url", LOCAL_URL, "active", true), Map.<String, Object>of("owner", "someone"))) {
            Http.Response patched = api.patch("/webhooks/" + id, same);
            assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
            assertThat(patched.json().get("updatedAt").asString()).as(same.toString()).isEqualTo(updatedAt);
        }
        Http.Response changed = api.patch("/webhooks/" + id, Map.of("active", false));
        assertThat(changed.json().get("updatedAt").asString()).isNotEqualTo(updatedAt);
    }

    @Test
    void createShowsTheSecretOnceThenListGetPatchDelete() {
        Http api = tenants.create().api(port);
        Http.Response created = api.post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of("new_note"),
                "active", true));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode webhook = created.json();
        String id = webhook.get("uuid").asString();
        assertThat(created.header("Location")).isEqualTo("/webhooks/" + id);
        assertThat(webhook.get("@id").asString()).isEqualTo("/webhooks/" + id);
        assertThat(webhook.get("url").asString()).isEqualTo(LOCAL_URL);
        assertThat(webhook.get("events")).hasSize(1);
        assertThat(webhook.get("events").get(0).asString()).isEqualTo("new_note");
        assertThat(webhook.get("active").asBoolean()).isTrue();
        assertThat(webhook.get("owner").isNull()).isTrue();
        assertThat(webhook.get("secret").asString()).matches("whsec_[A-Za-z0-9+/=]{40,}");

        JsonNode list = api.get("/webhooks").json();
        assertThat(list.get("totalItems").asInt()).isEqualTo(1);
        assertThat(list.get("member").get(0).get("@id").asString()).isEqualTo("/webhooks/" + id);
        assertThat(list.get("member").get(0).has("secret")).isFalse();
        JsonNode plain = api.get("/webhooks/" + id, "application/json").json();
        assertThat(plain.has("secret")).as("shown once").isFalse();
        assertThat(plain.get("uuid").asString()).isEqualTo(id);

        Http.Response patched = api.patch("/webhooks/" + id, Map.of("events", List.of("new_note", "updated_note"),
                "url", "http://127.0.0.1:9/other", "active", false));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().get("events")).hasSize(2);
        assertThat(patched.json().get("url").asString()).isEqualTo("http://127.0.0.1:9/other");
        assertThat(patched.json().get("active").asBoolean()).isFalse();
        assertThat(api.get("/webhooks?active=false", "application/json").json()).hasSize(1);
        assertThat(api.get("/webhooks?active=true", "application/json").json()).isEmpty();
        // Found by fuzzing the API: an empty active= was a 400 where every other empty filter filters nothing, and
        // active given twice was read as its first value.
        assertThat(api.get("/webhooks?active=", "application/json").json()).hasSize(1);
        Http.Response twice = api.get("/webhooks?active=true&active=false", "application/json");
        assertThat(assertProblem(twice, 400).get("detail").asString()).contains("\"active\"", "more than once");

        assertThat(api.delete("/webhooks/" + id).status()).isEqualTo(204);
        assertThat(api.get("/webhooks/" + id).status()).isEqualTo(404);
        assertThat(api.delete("/webhooks/" + id).status()).isEqualTo(404);
    }

    @Test
    void aClinicianOwnsTheWebhooksTheyCreate() {
        Tenants.Tenant t = tenants.create();
        Http.Response created = t.clinicianApi(port).post("/webhooks", Map.of("url", LOCAL_URL,
                "events", List.of("new_note")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("owner").asString()).isEqualTo(t.clinician().id().toString());
        assertThat(created.json().get("active").asBoolean()).as("active by default").isTrue();
    }

    @Test
    void anUnknownEventIsA422ListingTheKnownOnes() {
        Http api = tenants.create().api(port);
        Http.Response response = api.post("/webhooks", Map.of("url", LOCAL_URL,
                "events", List.of("new_note", "note_deleted")));
        assertThat(response.status()).isEqualTo(422);
        JsonNode violation = response.json().get("violations").get(0);
        assertThat(violation.get("propertyPath").asString()).isEqualTo("events[1]");
        assertThat(violation.get("message").asString()).contains("new_note", "updated_note");
    }

    /** A megabyte of empty event names made a 74 MB problem document, and a few at once ran the heap out. */
    @Test
    void aListOfEventsBeyondAHundredIsOneViolationAndTheAnswerStaysSmall() {
        Http api = tenants.create().api(port);
        Http.Response tooMany = api.post("/webhooks", Map.of("url", LOCAL_URL,
                "events", java.util.Collections.nCopies(300_000, "")));
        assertThat(tooMany.status()).isEqualTo(422);
        assertThat(paths(tooMany)).containsExactly("events");
        assertThat(tooMany.json().at("/violations/0/message").asString())
                .isEqualTo("This collection should contain 100 elements or less.");
        assertThat(tooMany.body().length()).isLessThan(1_000);

        Http.Response hundred = api.post("/webhooks", Map.of("url", LOCAL_URL,
                "events", java.util.Collections.nCopies(100, "new_note")));
        assertThat(hundred.status()).as("a hundred, the same one repeated, is one event").isEqualTo(201);
        assertThat(hundred.json().get("events").valueStream().map(JsonNode::asString).toList())
                .containsExactly("new_note");
    }

    @Test
    void badBodiesAreClearClientErrors() {
        Http api = tenants.create().api(port);
        assertThat(api.raw("POST", "/webhooks", "application/json", "[1]").status()).isEqualTo(400);
        assertThat(api.raw("POST", "/webhooks", "application/json", "{not json").status()).isEqualTo(400);

        Http.Response missing = api.post("/webhooks", Map.of());
        assertThat(missing.status()).isEqualTo(422);
        assertThat(paths(missing)).contains("url", "events");

        for (String url : List.of("ftp://127.0.0.1/x", "http://", "not a url", "127.0.0.1/hook",
                "http://user:pw@127.0.0.1/hook")) {
            Http.Response bad = api.post("/webhooks", Map.of("url", url, "events", List.of("new_note")));
            assertThat(bad.status()).as(url).isEqualTo(422);
            assertThat(paths(bad)).as(url).containsExactly("url");
        }
        Http.Response wrongTypes = api.post("/webhooks", Map.of("url", 42, "events", "new_note", "active", "yes"));
        assertThat(wrongTypes.status()).isEqualTo(422);
        assertThat(paths(wrongTypes)).containsExactlyInAnyOrder("url", "events", "active");
        assertThat(paths(api.post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of(7)))))
                .as("one violation per mistake").containsExactly("events[0]");
    }

    @Test
    void aRecoveryWindowInTheFutureNamesWhatWasSent() {
        Http api = tenants.create().api(port);
        String id = api.post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of("new_note"))).json()
                .get("uuid").asString();
        String future = "9000-01-01"; // after any clock another test may have moved
        Http.Response sinceOnly = api.post("/webhooks/" + id + "/recover", Map.of("since", future));
        assertThat(paths(sinceOnly)).containsExactly("since");
        assertThat(sinceOnly.json().at("/violations/0/message").asString()).contains("until defaults to now");
        Http.Response both = api.post("/webhooks/" + id + "/recover", Map.of("since", future, "until", "2026-01-01"));
        assertThat(paths(both)).containsExactly("until");
    }

    @Test
    void devModeAllowsLoopbackButNeverPrivateMetadataOrAmbiguousAddresses() {
        Http api = tenants.create().api(port);
        assertThat(api.post("/webhooks", Map.of("url", "http://[::1]:9/hook", "events", List.of("new_note")))
                .status()).isEqualTo(201);
        for (String url : List.of("http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data",
                "http://2130706433/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://[fe80::1]/",
                "http://[::ffff:169.254.169.254]/")) {
            Http.Response refused = api.post("/webhooks", Map.of("url", url, "events", List.of("new_note")));
            assertThat(refused.status()).as(url).isEqualTo(422);
            assertThat(refused.json().get("violations").get(0).get("code").asString())
                    .isEqualTo(WebhookController.URL_REFUSED);
        }
    }

    @Test
    void everyEndpointNeedsItsScope() {
        Tenants.Tenant t = tenants.create();
        Http reader = t.api(port, "read:webhooks");
        Http writer = t.api(port, "write:webhooks");
        String id = t.api(port).post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of("new_note")))
                .json().get("uuid").asString();

        assertThat(reader.get("/webhooks").status()).isEqualTo(200);
        assertThat(reader.get("/webhooks/" + id).status()).isEqualTo(200);
        assertThat(reader.get("/webhook-deliveries").status()).isEqualTo(200);
        assertThat(reader.post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of("new_note"))).status())
                .isEqualTo(403);
        assertThat(reader.patch("/webhooks/" + id, Map.of("active", false)).status()).isEqualTo(403);
        assertThat(reader.delete("/webhooks/" + id).status()).isEqualTo(403);
        assertThat(reader.post("/webhooks/" + id + "/test", Map.of()).status()).isEqualTo(403);
        assertThat(reader.post("/webhooks/" + id + "/rotate-secret", Map.of()).status()).isEqualTo(403);
        assertThat(reader.post("/webhook-deliveries/" + UUID.randomUUID() + "/retry", Map.of()).status())
                .isEqualTo(403);
        Http.Response refused = reader.post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of("new_note")));
        assertThat(refused.json().get("detail").asString())
                .isEqualTo("This endpoint needs the scope write:webhooks or read:notes, which the access token does "
                        + "not have.");
        assertThat(refused.header("WWW-Authenticate")).endsWith("scope=\"write:webhooks\"");
        assertThat(reader.post("/webhooks/" + id + "/test", Map.of()).json().get("detail").asString())
                .isEqualTo("This endpoint needs the scope write:webhooks, which the access token does not have.");
        assertThat(writer.get("/webhooks").status()).isEqualTo(403);
        assertThat(writer.get("/webhook-deliveries").status()).isEqualTo(403);
        assertThat(writer.patch("/webhooks/" + id, Map.of("active", false)).status()).isEqualTo(200);
        Http profile = t.api(port, "profile");
        assertThat(profile.get("/webhooks").json().get("detail").asString())
                .contains("needs the scope read:webhooks or read:notes,");
        assertThat(profile.post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of("new_note"))).status())
                .isEqualTo(403);
        assertThat(new Http(port, null).get("/webhooks").status()).isEqualTo(401);
    }

    /**
     * A token that may change webhooks but not read them (write:webhooks alone) learns nothing from the answers to
     * its changes: a PATCH, even an empty one, shows the webhook's uuid only, and a new secret its uuid and the secret.
     */
    @Test
    void aTokenThatMayChangeWebhooksButNotReadThemIsAnsweredWithTheirUuidOnly() {
        Tenants.Tenant t = tenants.create();
        Http writer = t.api(port, "write:webhooks");
        String id = t.api(port).post("/webhooks", Map.of("url", LOCAL_URL + "/?token=kept-by-the-integration",
                "events", List.of("new_note"))).json().get("uuid").asString();

        Http.Response patched = writer.patch("/webhooks/" + id, Map.of());
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().get("uuid").asString()).isEqualTo(id);
        assertThat(patched.json().has("url")).as(patched.toString()).isFalse();
        Http.Response paused = writer.patch("/webhooks/" + id, Map.of("active", false));
        assertThat(paused.status()).isEqualTo(200);
        assertThat(paused.json().has("url")).as(paused.toString()).isFalse();
        Http.Response rotated = writer.post("/webhooks/" + id + "/rotate-secret", Map.of());
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(rotated.json().get("uuid").asString()).isEqualTo(id);
        assertThat(rotated.json().get("secret").asString()).startsWith("whsec_");
        assertThat(rotated.json().has("url")).as(rotated.toString()).isFalse();

        assertThat(t.api(port, "write:webhooks", "read:webhooks").patch("/webhooks/" + id, Map.of()).json()
                .get("url").asString()).as("a token that may read is shown the webhook").contains("kept-by");

        // A test, a retry and a recovery queue deliveries: their status and error kind say how the receiver answered.
        try (Receiver receiver = new Receiver()) {
            Http api = t.api(port);
            String hook = api.post("/webhooks", Map.of("url", receiver.url(), "events", List.of("new_note")))
                    .json().get("uuid").asString();
            Http.Response ping = writer.post("/webhooks/" + hook + "/test", Map.of());
            assertThat(ping.status()).as(ping.toString()).isEqualTo(202);
            String delivery = ping.json().get("uuid").asString();
            assertThat(ping.header("Location")).endsWith(delivery);
            assertThat(ping.json().has("status")).as(ping.toString()).isFalse();
            assertThat(ping.json().has("webhook")).as(ping.toString()).isFalse();
            await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/webhook-deliveries/" + delivery,
                    "application/json").json().get("status").asString().equals("succeeded"));
            Http.Response retried = writer.post("/webhook-deliveries/" + delivery + "/retry", Map.of());
            assertThat(retried.status()).as(retried.toString()).isEqualTo(202);
            assertThat(retried.json().get("uuid").asString()).isEqualTo(delivery);
            assertThat(retried.json().has("status")).as(retried.toString()).isFalse();
            Http.Response recovery = writer.post("/webhooks/" + hook + "/recover", Map.of("since", "2026-01-01"));
            assertThat(recovery.status()).as(recovery.toString()).isEqualTo(202);
            assertThat(recovery.header("Location")).endsWith(recovery.json().get("uuid").asString());
            assertThat(recovery.json().has("status")).as(recovery.toString()).isFalse();
            assertThat(t.api(port, "write:webhooks", "read:webhooks").post("/webhooks/" + hook + "/test", Map.of())
                    .json().get("status").asString()).as("a token that may read is shown the delivery").isNotBlank();
        }
    }

    @Test
    void theGuidesOneScopeReadNotesRegistersAWebhookButChangesNone() {
        Tenants.Tenant t = tenants.create();
        Http guide = t.api(port, "read:notes");
        Http.Response created = guide.post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of("new_note"),
                "active", true));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("uuid").asString();
        assertThat(guide.get("/webhooks").json().get("totalItems").asInt()).isOne();
        assertThat(guide.get("/webhook-deliveries").status()).isEqualTo(200);
        // A token granted to read may not take over, silence or remove a delivery, its own or another's.
        assertThat(guide.patch("/webhooks/" + id, Map.of("url", LOCAL_URL + "/elsewhere")).status()).isEqualTo(403);
        assertThat(guide.post("/webhooks/" + id + "/rotate-secret", Map.of()).status()).isEqualTo(403);
        assertThat(guide.post("/webhooks/" + id + "/test", Map.of()).status()).isEqualTo(403);
        assertThat(guide.delete("/webhooks/" + id).status()).isEqualTo(403);
        assertThat(t.api(port).get("/webhooks/" + id).json().get("url").asString()).isEqualTo(LOCAL_URL);
        assertThat(t.api(port, "read:notes", "write:webhooks").delete("/webhooks/" + id).status()).isEqualTo(204);
    }

    @Test
    void writeWebhooksAloneCannotPointAWebhookAtNotes() {
        Tenants.Tenant t = tenants.create();
        Http writer = t.api(port, "write:webhooks", "read:webhooks");
        Http.Response refused = writer.post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of("new_note")));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.json().get("detail").asString()).contains("needs the scope read:notes")
                .as("names the events asked for").startsWith("A webhook subscribed to new_note receives");
        assertThat(writer.get("/webhooks").json().get("totalItems").asInt()).as("nothing registered").isZero();

        String id = t.api(port).post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of("new_note")))
                .json().get("uuid").asString();
        assertThat(writer.patch("/webhooks/" + id, Map.of("url", LOCAL_URL + "/elsewhere")).status())
                .as("redirecting it").isEqualTo(403);
        assertThat(writer.patch("/webhooks/" + id, Map.of("events", List.of("updated_note"))).status())
                .as("resubscribing it").isEqualTo(403);
        assertThat(writer.get("/webhooks/" + id).json().get("url").asString()).isEqualTo(LOCAL_URL);
        assertThat(writer.patch("/webhooks/" + id, Map.of("active", false)).status()).as("pausing it").isEqualTo(200);
        assertThat(writer.patch("/webhooks/" + id, Map.of("url", LOCAL_URL, "events", List.of("new_note"),
                "active", true)).status()).as("what it already is").isEqualTo(200);
        assertThat(writer.post("/webhooks/" + id + "/rotate-secret", Map.of()).status()).isEqualTo(200);
        assertThat(writer.delete("/webhooks/" + id).status()).isEqualTo(204);
    }

    @Test
    void anotherOrganizationCannotSeeTouchOrReplayAnything() {
        Http a = tenants.create().api(port);
        Http b = tenants.create().api(port);
        String id = a.post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of("new_note")))
                .json().get("uuid").asString();
        Http.Response ping = a.post("/webhooks/" + id + "/test", Map.of());
        assertThat(ping.status()).isEqualTo(202);
        String delivery = ping.json().get("uuid").asString();
        Http.Response recovery = a.post("/webhooks/" + id + "/recover", Map.of("since", "2026-01-01"));
        assertThat(recovery.status()).as(recovery.toString()).isEqualTo(202);
        String recoveryPath = recovery.header("Location");

        String w = "/webhooks/" + id;
        JsonNode own = a.get(w + "/deliveries").json();
        assertThat(own.get("@id").asString()).as("a sub-collection's own IRI").isEqualTo(w + "/deliveries");
        assertThat(own.at("/member/0/@id").asString()).isEqualTo("/webhook-deliveries/" + delivery);
        assertThat(a.get("/webhook-deliveries").json().get("@id").asString()).isEqualTo("/webhook-deliveries");
        assertThat(b.get(w).status()).isEqualTo(404);
        assertThat(b.patch(w, Map.of("active", false)).status()).isEqualTo(404);
        assertThat(b.post(w + "/rotate-secret", Map.of()).status()).isEqualTo(404);
        assertThat(b.post(w + "/test", Map.of()).status()).isEqualTo(404);
        assertThat(b.post(w + "/recover", Map.of("since", "2026-01-01")).status()).isEqualTo(404);
        assertThat(b.get(recoveryPath).status()).isEqualTo(404);
        assertThat(b.get(w + "/deliveries").status()).isEqualTo(404);
        assertThat(b.get("/webhook-deliveries/" + delivery).status()).isEqualTo(404);
        assertThat(b.post("/webhook-deliveries/" + delivery + "/retry", Map.of()).status()).isEqualTo(404);
        assertThat(b.delete(w).status()).isEqualTo(404);
        assertThat(b.get("/webhooks").json().get("totalItems").asInt()).isZero();
        assertThat(b.get("/webhook-deliveries").json().get("totalItems").asInt()).isZero();

        assertThat(a.get(w).status()).as("still there for its owner").isEqualTo(200);
        assertThat(a.get("/webhook-deliveries/" + delivery).status()).isEqualTo(200);
        assertThat(a.get(recoveryPath).status()).isEqualTo(200);
    }

    /**
     * A clinician's webhook is the way their private patients' notes leave the server: the organization's
     * integration token and its other clinicians must not see, redirect, re-key, replay or remove it.
     */
    @Test
    void aClinicansWebhookAndItsDeliveriesAreTheirsAlone() {
        Tenants.Tenant t = tenants.create();
        Http owner = t.clinicianApi(port);
        Http integration = t.api(port);
        Http colleague = t.clinicianApi(port, t.addClinician("Grace", "Hopper"));
        String id = owner.post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of("new_note")))
                .json().get("uuid").asString();
        String shared = integration.post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of("new_note")))
                .json().get("uuid").asString();
        String delivery = owner.post("/webhooks/" + id + "/test", Map.of()).json().get("uuid").asString();
        String sharedDelivery = integration.post("/webhooks/" + shared + "/test", Map.of()).json().get("uuid")
                .asString();
        Http.Response recovery = owner.post("/webhooks/" + id + "/recover", Map.of("since", "2026-01-01"));
        assertThat(recovery.status()).as(recovery.toString()).isEqualTo(202);
        String recoveryPath = recovery.header("Location");

        String w = "/webhooks/" + id;
        for (Http other : List.of(integration, colleague)) {
            assertThat(other.get(w).status()).isEqualTo(404);
            assertThat(other.patch(w, Map.of("url", "http://127.0.0.1:9/elsewhere")).status()).isEqualTo(404);
            assertThat(other.post(w + "/rotate-secret", Map.of()).status()).isEqualTo(404);
            assertThat(other.post(w + "/test", Map.of()).status()).isEqualTo(404);
            assertThat(other.post(w + "/recover", Map.of("since", "2026-01-01")).status()).isEqualTo(404);
            assertThat(other.get(recoveryPath).status()).isEqualTo(404);
            assertThat(other.get(w + "/deliveries").status()).isEqualTo(404);
            assertThat(other.get("/webhook-deliveries/" + delivery).status()).isEqualTo(404);
            assertThat(other.post("/webhook-deliveries/" + delivery + "/retry", Map.of()).status()).isEqualTo(404);
            assertThat(other.delete(w).status()).isEqualTo(404);
            assertThat(other.get("/webhooks", "application/json").json().findValuesAsString("uuid"))
                    .containsExactly(shared);
            assertThat(other.get("/webhook-deliveries", "application/json").json().findValuesAsString("uuid"))
                    .containsExactly(sharedDelivery);
        }

        Http.Response mine = owner.get(w, "application/json");
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.json().get("url").asString()).isEqualTo(LOCAL_URL);
        assertThat(owner.get("/webhooks", "application/json").json().findValuesAsString("uuid"))
                .containsExactlyInAnyOrder(id, shared);
        assertThat(owner.get("/webhook-deliveries?webhook=" + id, "application/json").json()
                .findValuesAsString("uuid")).contains(delivery);
        assertThat(owner.get("/webhook-deliveries/" + delivery).status()).isEqualTo(200);
        assertThat(owner.get(recoveryPath).status()).isEqualTo(200);
        assertThat(colleague.get("/webhooks/" + shared).status()).as("an organization-wide one is read by all")
                .isEqualTo(200);
        String s = "/webhooks/" + shared;
        for (Http.Response refused : List.of(owner.patch(s, Map.of("url", "http://127.0.0.1:9/elsewhere")),
                owner.post(s + "/rotate-secret", Map.of()), owner.post(s + "/test", Map.of()),
                owner.post(s + "/recover", Map.of("since", "2026-01-01")),
                owner.post("/webhook-deliveries/" + sharedDelivery + "/retry", Map.of()), owner.delete(s))) {
            assertThat(refused.status()).as("and changed by the integration alone: " + refused).isEqualTo(403);
            assertThat(refused.json().get("detail").asString()).contains("organization's integration");
        }
        assertThat(integration.get(s, "application/json").json().get("url").asString()).isEqualTo(LOCAL_URL);
        assertThat(integration.patch(s, Map.of("active", false)).status()).isEqualTo(200);
    }

    @Test
    void aUrlBeyondAsciiIsStoredAsItWillBeRequestedAndABadFlagIsOneViolation() {
        Http api = tenants.create().api(port);
        Http.Response created = api.post("/webhooks", Map.of("url", "http://127.0.0.1:9/café?q=é",
                "events", List.of("new_note")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("url").asString()).isEqualTo("http://127.0.0.1:9/caf%C3%A9?q=%C3%A9");
        String id = created.json().get("uuid").asString();
        assertThat(api.patch("/webhooks/" + id, Map.of("url", "http://127.0.0.1:9/naïve")).json().get("url")
                .asString()).isEqualTo("http://127.0.0.1:9/na%C3%AFve");

        Http.Response tooLong = api.post("/webhooks", Map.of("url", "http://127.0.0.1:9/" + "é".repeat(1000),
                "events", List.of("new_note")));
        assertThat(tooLong.status()).as("longer than the column once encoded: " + tooLong).isEqualTo(422);
        assertThat(tooLong.json().at("/violations/0/propertyPath").asString()).isEqualTo("url");

        for (Http.Response fragment : List.of(api.post("/webhooks", Map.of("url", "http://127.0.0.1:9/hook#part",
                "events", List.of("new_note"))), api.patch("/webhooks/" + id, Map.of("url", "http://127.0.0.1:9/#")))) {
            assertThat(fragment.status()).as("a fragment is never sent: " + fragment).isEqualTo(422);
            assertThat(fragment.json().at("/violations/0/message").asString()).contains("must not have a fragment");
        }

        Http.Response flag = api.patch("/webhooks/" + id, Map.of("active", "true"));
        assertThat(flag.status()).isEqualTo(422);
        assertThat(flag.json().get("violations")).as(flag.toString()).hasSize(1);
        assertThat(flag.json().at("/violations/0/message").asString()).isEqualTo("This value should be of type boolean.");
    }

    @Test
    void aDisabledWebhookIsSentNothingSoItsTestRetryAndRecoverAreConflicts() {
        Http api = tenants.create().api(port);
        try (Receiver receiver = new Receiver()) {
            String id = api.post("/webhooks", Map.of("url", receiver.url(), "events", List.of("new_note")))
                    .json().get("uuid").asString();
            String delivery = api.post("/webhooks/" + id + "/test", Map.of()).json().get("uuid").asString();
            await().atMost(Duration.ofSeconds(15)).until(() -> api
                    .get("/webhook-deliveries/" + delivery, "application/json").json().get("status").asString()
                    .equals("succeeded"));
            assertThat(api.patch("/webhooks/" + id, Map.of("active", false)).status()).isEqualTo(200);

            for (Http.Response refused : List.of(api.post("/webhooks/" + id + "/test", Map.of()),
                    api.post("/webhook-deliveries/" + delivery + "/retry", Map.of()),
                    api.post("/webhooks/" + id + "/recover", Map.of("since", "2026-01-01")))) {
                assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
                assertThat(refused.json().get("detail").asString()).contains("PATCH active: true");
            }
            assertThat(api.get("/webhook-deliveries/" + delivery, "application/json").json().get("replays").asInt())
                    .isZero();

            assertThat(api.patch("/webhooks/" + id, Map.of("active", true)).status()).isEqualTo(200);
            assertThat(api.post("/webhook-deliveries/" + delivery + "/retry", Map.of()).status()).isEqualTo(202);
        }
    }

    @Test
    void deliveryCollectionsFilterAndRejectBadParameters() {
        Http api = tenants.create().api(port);
        String id = api.post("/webhooks", Map.of("url", LOCAL_URL, "events", List.of("new_note")))
                .json().get("uuid").asString();
        String delivery = api.post("/webhooks/" + id + "/test", Map.of()).json().get("uuid").asString();
        JsonNode all = api.get("/webhook-deliveries?webhook=" + id, "application/json").json();
        assertThat(all).hasSize(1);
        assertThat(all.get(0).get("uuid").asString()).isEqualTo(delivery);
        assertThat(api.get("/webhook-deliveries?status=succeeded", "application/json").json()).isEmpty();
        assertThat(api.get("/webhook-deliveries?createdAt%5Bbefore%5D=2000-01-01", "application/json").json())
                .isEmpty();
        assertThat(api.get("/webhook-deliveries?createdAt%5Bgte%5D=2000-01-01", "application/json").json())
                .hasSize(1);
        assertThat(api.get("/webhook-deliveries?status=lost").status()).isEqualTo(400);
        assertThat(api.get("/webhook-deliveries?createdAt%5Bafter%5D=yesterday").status()).isEqualTo(400);
        assertThat(api.get("/webhook-deliveries?order%5Burl%5D=asc").status()).isEqualTo(400);
        assertThat(api.get("/webhook-deliveries/not-a-uuid").status()).isEqualTo(400);
        Http.Response noSince = api.post("/webhooks/" + id + "/recover", Map.of());
        assertThat(noSince.status()).isEqualTo(422);
        assertThat(paths(noSince)).containsExactly("since");
    }

    private static List<String> paths(Http.Response response) {
        List<String> paths = new ArrayList<>();
        response.json().get("violations").forEach(v -> paths.add(v.get("propertyPath").asString()));
        return paths;
    }
}
