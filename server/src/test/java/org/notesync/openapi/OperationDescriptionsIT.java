package org.notesync.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.notesync.audio.AudioSamples;
import org.notesync.audio.Upload;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.notesync.webhook.Receiver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI document tells the truth: every body property it lists is one its endpoint reads (a value
 * of the wrong type gets a 422 naming it), the required ones are required, every query parameter it lists
 * is read (a malformed value gets a 400 naming it), none of the server's own plumbing shows as a
 * parameter, described enums, formats and patterns are what the endpoints take, and real answers of every
 * described operation, in both media types, have only described properties, of the described types, and
 * between them every described property.
 */
@ServerTest
class OperationDescriptionsIT {

    /** Query parameters that take any string, so that no value is malformed: read, but not checked here. */
    private static final Set<String> FREE_TEXT = Set.of("GET /notes type", "GET /patients externalId",
            "GET /audios languageSpoken");

    /** For each string format the bodies use: a value of it, and one that is not. */
    private static final Map<String, String[]> FORMAT_SAMPLES = Map.of(
            "date", new String[] {"1984-02-29", "1985-02-29"},
            "email", new String[] {"jane.doe@example.test", "jane.doe.example.test"},
            "uri", new String[] {"http://127.0.0.1:9/hook", "not a url"},
            "uuid", new String[] {UUID.randomUUID().toString(), "not-a-uuid"},
            "date-time", new String[] {"2026-02-24T10:30:00+00:00", "2026-02-30T10:30:00+00:00"});

    /** Values that the bodies' patterns are tried with: the first each pattern matches is sent. */
    private static final List<String> PATTERN_SAMPLES = List.of("consultation_summary", "FR");

    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{[^}]+}");

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    private JsonNode document;
    private Http api;
    private Http admin;
    private Tenants.Tenant tenant;
    private String patient;
    private String webhook;

    @BeforeEach
    void setUp() {
        Http.Response response = new Http(port, null).get("/v3/api-docs", "application/json");
        assertThat(response.status()).isEqualTo(200);
        document = response.json();
        tenant = tenants.create();
        api = tenant.api(port);
        admin = tenants.createWithAdminScope().api(port, "admin");
        patient = newPatient();
        Http.Response hook = api.post("/webhooks", Map.of("url", "http://127.0.0.1:9/hook", "events",
                List.of("new_note")));
        assertThat(hook.status()).as(hook.toString()).isEqualTo(201);
        webhook = hook.json().get("uuid").asString();
    }

    @Test
    void everyOperationHasASummaryNoParameterIsPlumbingAndEveryReferenceResolves() {
        List<String> parameters = new ArrayList<>();
        operations().forEach((operation, node) -> node.path("parameters")
                .forEach(p -> parameters.add(operation + " " + resolve(p).path("name").asString())));
        assertThat(parameters).isNotEmpty()
                .noneMatch(p -> p.endsWith(" viewer") || p.endsWith(" parameters") || p.endsWith(" request"));
        Matcher refs = Pattern.compile("\"\\$ref\":\"#/components/(\\w+)/([\\w.]+)\"").matcher(document.toString());
        int count = 0;
        while (refs.find()) {
            count++;
            assertThat(document.path("components").path(refs.group(1)).has(refs.group(2)))
                    .as("#/components/%s/%s", refs.group(1), refs.group(2)).isTrue();
        }
        assertThat(count).isPositive();
        assertThat(document.path("components").path("schemas").propertyNames())
                .doesNotContain("JsonNode", "Viewer", "MultiValueMapStringString");
        List<String> unsummarized = new ArrayList<>();
        operations().forEach((operation, node) -> {
            if (node.path("summary").asString("").isBlank()) {
                unsummarized.add(operation);
            }
        });
        assertThat(unsummarized).as("operations without a summary").isEmpty();
    }

    @Test
    void everyMediaTypeDescribedForABodyIsTakenAndAnUndescribedOneIsRefused() {
        List<String> checked = new ArrayList<>();
        operations().forEach((operation, node) -> {
            JsonNode content = node.path("requestBody").path("content");
            if (content.isMissingNode() || content.has("multipart/form-data")) {
                return; // the upload's fields are checked on their own
            }
            String method = operation.substring(0, operation.indexOf(' '));
            String path = operation.substring(operation.indexOf(' ') + 1);
            Http caller = path.startsWith("/admin") ? admin : api;
            String url = concrete(path);
            for (String type : content.propertyNames()) {
                Http.Response response = caller.send(caller.builder(url).header("Accept", "application/json")
                        .header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString("{}")));
                assertThat(response.status()).as("%s as %s: %s", operation, type, response).isNotEqualTo(415)
                        .isLessThan(500);
                checked.add(operation + " " + type);
            }
            Http.Response refused = caller.send(caller.builder(url).header("Accept", "application/json")
                    .header("Content-Type", "text/plain").method(method, HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(refused.status()).as("%s as text/plain", operation).isEqualTo(415);
        });
        assertThat(checked).contains("PATCH /webhooks/{id} application/merge-patch+json",
                "PATCH /notes/{uuid} application/merge-patch+json", "PATCH /patients/{uuid} application/merge-patch+json",
                "POST /notes application/ld+json");
    }

    @Test
    void everyJsonBodyPropertyIsReadByItsEndpointAndTheRequiredOnesAreRequired() {
        Map<String, JsonNode> bodies = jsonBodies();
        Set<String> nullsRefused = new LinkedHashSet<>();
        Set<String> lengthsChecked = new LinkedHashSet<>();
        assertThat(bodies.keySet()).contains("POST /notes", "PATCH /notes/{uuid}", "POST /patients",
                "PATCH /patients/{uuid}", "POST /webhooks", "PATCH /webhooks/{id}", "POST /webhooks/{id}/recover",
                "POST /admin/organizations", "POST /admin/organizations/{uuid}/users",
                "POST /admin/organizations/{uuid}/clients");
        bodies.forEach((operation, schema) -> {
            String method = operation.substring(0, operation.indexOf(' '));
            String path = operation.substring(operation.indexOf(' ') + 1);
            Http caller = path.startsWith("/admin") ? admin : api;
            String url = concrete(path);
            Map<String, JsonNode> properties = new LinkedHashMap<>();
            Set<String> required = new LinkedHashSet<>();
            collect(schema, properties, required);
            assertThat(properties).as(operation).isNotEmpty();
            properties.forEach((name, property) -> {
                ObjectNode body = JsonNodeFactory.instance.objectNode();
                body.set(name, wrongType(resolve(property)));
                Http.Response response = send(caller, method, url, body);
                assertThat(response.status()).as("%s with %s", operation, body).isEqualTo(422);
                assertThat(paths(response)).as("%s with %s", operation, body).contains(name);

                // A described maxLength is the limit: one more is refused by name, the limit itself is stored.
                JsonNode described = resolve(property);
                if (described.has("maxLength") && type(described).equals("string") && !described.has("pattern")
                        && !described.has("format") && !described.has("enum")) {
                    int max = described.path("maxLength").asInt();
                    ObjectNode over = JsonNodeFactory.instance.objectNode().put(name, "x".repeat(max + 1));
                    Http.Response refused = send(caller, method, url, over);
                    assertThat(refused.status()).as("%s with %s of %d characters", operation, name, max + 1)
                            .isEqualTo(422);
                    assertThat(paths(refused)).as("%s with %s of %d characters", operation, name, max + 1)
                            .contains(name);
                    ObjectNode atMost = JsonNodeFactory.instance.objectNode().put(name, "x".repeat(max));
                    Http.Response taken = send(caller, method, url, atMost);
                    assertThat(taken.status()).as("%s with %s of %d characters: %s", operation, name, max, taken)
                            .isLessThan(500);
                    if (taken.status() >= 400) {
                        assertThat(paths(taken)).as("%s with %s of %d characters", operation, name, max)
                                .doesNotContain(name);
                    }
                    lengthsChecked.add(operation + " " + name);
                }

                // null is taken where the document allows it, and refused by name where it does not.
                ObjectNode withNull = JsonNodeFactory.instance.objectNode().putNull(name);
                Http.Response answer = send(caller, method, url, withNull);
                assertThat(answer.status()).as("%s with %s", operation, withNull).isLessThan(500);
                if (allowsNull(property)) {
                    if (answer.status() >= 400) {
                        assertThat(paths(answer)).as("%s with %s: described as nullable", operation, withNull)
                                .doesNotContain(name);
                    }
                } else {
                    nullsRefused.add(operation + " " + name + ": " + answer.status() + " " + paths(answer));
                    if (answer.status() == 422 && paths(answer).contains(name)) {
                        nullsRefused.remove(operation + " " + name + ": " + answer.status() + " " + paths(answer));
                    }
                }
            });
            if (!required.isEmpty()) {
                Http.Response response = send(caller, method, url, JsonNodeFactory.instance.objectNode());
                assertThat(response.status()).as("%s with {}", operation).isEqualTo(422);
                assertThat(paths(response)).as("%s with {}", operation).containsAll(required);
            }
        });
        assertThat(nullsRefused).as("properties described as not nullable that take null").isEmpty();
        assertThat(lengthsChecked).as("described limits tried at and over the limit")
                .contains("POST /patients firstName", "PATCH /notes/{uuid} content", "PATCH /patients/{uuid} phone");
    }

    /**
     * What a body's schema says of a string beyond its type holds: each value of an {@code enum} is taken
     * and any other refused by name; a {@code format} refuses a value not of it and takes one that is; a
     * {@code pattern} refuses a value it does not match and takes one it does. In lists, the same of each
     * item. A format or pattern this test has no sample for fails it, so a new one gets checked too.
     */
    @Test
    void everyDescribedEnumFormatAndPatternIsWhatItsEndpointTakes() {
        Set<String> checked = new LinkedHashSet<>();
        jsonBodies().forEach((operation, schema) -> {
            String method = operation.substring(0, operation.indexOf(' '));
            String path = operation.substring(operation.indexOf(' ') + 1);
            Http caller = path.startsWith("/admin") ? admin : api;
            String url = concrete(path);
            Map<String, JsonNode> properties = new LinkedHashMap<>();
            collect(schema, properties, new LinkedHashSet<>());
            properties.forEach((name, property) -> {
                JsonNode described = resolve(property);
                boolean list = type(described).equals("array");
                JsonNode value = list ? resolve(described.path("items")) : described;
                if (!type(value).equals("string")) {
                    return;
                }
                List<String> good = new ArrayList<>();
                List<String> bad = new ArrayList<>();
                if (value.has("enum")) {
                    value.path("enum").forEach(v -> {
                        if (!v.isNull()) {
                            good.add(v.asString());
                        }
                    });
                    bad.add("sideways");
                }
                if (value.has("format") && !value.path("format").asString().equals("password")) {
                    String format = value.path("format").asString();
                    String[] samples = FORMAT_SAMPLES.get(format);
                    assertThat(samples).as("%s %s: no samples for format %s", operation, name, format).isNotNull();
                    good.add(samples[0]);
                    bad.add(samples[1]);
                }
                if (value.has("pattern")) {
                    Pattern pattern = Pattern.compile(value.path("pattern").asString());
                    String matching = PATTERN_SAMPLES.stream().filter(v -> pattern.matcher(v).find()).findFirst()
                            .orElse(null);
                    assertThat(matching).as("%s %s: no sample matches %s", operation, name, pattern).isNotNull();
                    good.add(matching);
                    bad.add("Not valid!");
                    assertThat(pattern.matcher("Not valid!").find()).as(operation + " " + name).isFalse();
                }
                if (good.isEmpty()) {
                    return;
                }
                for (String v : good) {
                    ObjectNode body = withDescribedCompanion(body(name, v, list), name, v);
                    // A patient made private is its clinician's only: this token would lose the shared one.
                    String target = v.equals("private") && path.startsWith("/patients/") ? "/patients/" + newPatient()
                            : url;
                    Http.Response taken = send(caller, method, target, body);
                    assertThat(taken.status()).as("%s with %s: %s", operation, body, taken).isLessThan(500);
                    if (taken.status() >= 400) {
                        assertThat(paths(taken)).as("%s with %s: a described value", operation, body)
                                .noneMatch(at -> at.equals(name) || at.startsWith(name + "["));
                    }
                }
                for (String v : bad) {
                    ObjectNode body = body(name, v, list);
                    Http.Response refused = send(caller, method, url, body);
                    assertThat(refused.status()).as("%s with %s: %s", operation, body, refused).isEqualTo(422);
                    assertThat(paths(refused)).as("%s with %s", operation, body).contains(list ? name + "[0]" : name);
                }
                checked.add(operation + " " + name);
            });
        });
        assertThat(checked).as("properties whose enum, format or pattern was tried").contains(
                "POST /patients gender", "POST /patients dateOfBirth", "POST /patients email", "POST /notes type",
                "POST /webhooks url", "POST /webhooks events", "POST /admin/organizations country",
                "POST /admin/organizations/{uuid}/clients scopes", "POST /admin/organizations/{uuid}/clients redirectUris");
    }

    private String newPatient() {
        Http.Response created = api.post("/patients", Map.of("firstName", "Ada", "lastName", "Byron"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("uuid").asString();
    }

    /** A value that the document says needs another: the other is sent too. */
    private ObjectNode withDescribedCompanion(ObjectNode body, String name, String value) {
        switch (name + " " + value) {
            case "visibilityOption private" -> body.put("user", tenant.clinician().id().toString());
            case "grantTypes refresh_token" -> body.withArray("grantTypes").add("authorization_code");
            case "scopes admin" -> body.putArray("grantTypes").add("client_credentials");
            default -> {
            }
        }
        return body;
    }

    private static ObjectNode body(String name, String value, boolean list) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (list) {
            body.putArray(name).add(value);
        } else {
            body.put(name, value);
        }
        return body;
    }

    /**
     * Every 201 declares its Location, and the creates that take an Idempotency-Key the two headers they answer
     * with (the parameter's description named them, the responses did not); and a real create sends them.
     */
    @Test
    void theCreatesDeclareTheHeadersTheyAnswerWith() {
        List<String> keyed = new ArrayList<>();
        operations().forEach((operation, node) -> {
            JsonNode created = node.path("responses").path("201");
            if (created.isMissingNode()) {
                return;
            }
            assertThat(created.path("headers").has("Location")).as(operation).isTrue();
            boolean takesKey = false;
            for (JsonNode parameter : node.path("parameters")) {
                takesKey |= "Idempotency-Key".equals(resolve(parameter).path("name").asString());
            }
            if (takesKey) {
                keyed.add(operation);
                assertThat(created.path("headers").propertyNames()).as(operation)
                        .contains("Idempotency-Key", "Idempotent-Replayed");
            }
        });
        assertThat(keyed).containsExactlyInAnyOrder("POST /notes", "POST /patients", "POST /audios");

        String key = java.util.UUID.randomUUID().toString();
        for (int i = 0; i < 2; i++) {
            Http.Response created = api.send(api.builder("/patients").header("Idempotency-Key", key)
                    .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers
                            .ofString("{\"firstName\":\"Ada\",\"lastName\":\"King\"}")));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(created.header("Location")).startsWith("/patients/");
            assertThat(created.header("Idempotency-Key")).isEqualTo(key);
            assertThat(created.header("Idempotent-Replayed")).isEqualTo(i == 0 ? null : "true");
        }
    }

    /** Multipart fields are all text, so each gets a value its endpoint refuses rather than a wrong type. */
    @Test
    void everyAudioUploadFieldIsReadAndTheRequiredOnesAreRequired() {
        JsonNode schema = resolve(operations().get("POST /audios").at("/requestBody/content/multipart~1form-data/schema"));
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        Set<String> required = new LinkedHashSet<>();
        collect(schema, properties, required);
        Map<String, String> refused = Map.of("patient", "not-a-uuid", "user", "not-a-uuid",
                "languageSpoken", "x".repeat(36), "noteType", "no_such_type", "transcript", "x".repeat(100_001));
        Set<String> fields = new LinkedHashSet<>(refused.keySet());
        fields.add("file");
        assertThat(properties.keySet()).containsExactlyInAnyOrderElementsOf(fields);
        refused.forEach((name, value) -> {
            Http.Response response = Upload.to(api).field(name, value).send();
            assertThat(response.status()).as(name).isEqualTo(422);
            assertThat(paths(response)).as(name).contains(name);
        });
        Http.Response response = Upload.to(api).field("languageSpoken", "fr").send();
        assertThat(response.status()).isEqualTo(422);
        assertThat(paths(response)).containsAll(required).contains("file", "patient");
    }

    @Test
    void everyQueryParameterIsReadByItsEndpoint() {
        List<String> checked = new ArrayList<>();
        List<String> enumsTaken = new ArrayList<>();
        operations().forEach((operation, node) -> {
            if (!operation.startsWith("GET ")) {
                return;
            }
            String path = operation.substring(4);
            Http caller = path.startsWith("/admin") ? admin : api;
            for (JsonNode p : node.path("parameters")) {
                JsonNode parameter = resolve(p);
                if (!parameter.path("in").asString().equals("query") || path.startsWith("/oauth2")
                        || path.equals("/activate")) {
                    continue;
                }
                String name = parameter.path("name").asString();
                if (FREE_TEXT.contains(operation + " " + name)) {
                    continue;
                }
                String sent = parameter.path("style").asString().equals("deepObject") ? name + "[after]" : name;
                String value = malformed(resolve(parameter.path("schema")));
                assertThat(value).as("%s %s: no malformed value for it", operation, name).isNotNull();
                Http.Response response = caller.get(concrete(path) + "?" + encode(sent) + "=" + encode(value),
                        "application/json");
                assertThat(response.status()).as("%s?%s=%s: %s", operation, sent, value, response).isEqualTo(400);
                assertThat(response.json().path("detail").asString()).as(operation).contains("\"" + sent + "\"");
                if (type(resolve(parameter.path("schema"))).equals("array")) {
                    // A list filter takes name[]= too, as API Platform's do.
                    Http.Response listed = caller.get(concrete(path) + "?" + encode(name + "[]") + "=" + encode(value),
                            "application/json");
                    assertThat(listed.status()).as("%s?%s[]=%s: %s", operation, name, value, listed).isEqualTo(400);
                    assertThat(listed.json().path("detail").asString()).as(operation).contains(name);
                }
                // Each value a parameter's enum lists is taken.
                JsonNode schema = resolve(parameter.path("schema"));
                JsonNode values = type(schema).equals("array") ? resolve(schema.path("items")).path("enum")
                        : schema.path("enum");
                for (JsonNode v : values) {
                    if (!v.isNull()) {
                        Http.Response taken = caller.get(concrete(path) + "?" + encode(sent) + "="
                                + encode(v.asString()), "application/json");
                        assertThat(taken.status()).as("%s?%s=%s: %s", operation, sent, v.asString(), taken)
                                .isEqualTo(200);
                        enumsTaken.add(operation + " " + name + "=" + v.asString());
                    }
                }
                checked.add(operation + " " + name);
            }
        });
        assertThat(enumsTaken).contains("GET /notes order[createdAt]=asc", "GET /webhook-deliveries status=failed");
        assertThat(checked).contains("GET /notes patient", "GET /notes createdAt", "GET /notes order[createdAt]",
                "GET /notes page", "GET /notes itemsPerPage", "GET /patients search", "GET /webhooks active",
                "GET /webhook-deliveries status", "GET /notes/feed after", "GET /admin/organizations page");
    }

    @Test
    void realAnswersHaveTheDescribedPropertiesOfTheDescribedTypes() throws Exception {
        Answers answers = new Answers();
        for (int i = 0; i < 2; i++) {
            assertThat(api.post("/notes", Map.of("patient", patient, "user", tenant.clinician().id().toString(),
                    "type", "consultation_summary", "content", "Earlier note.")).status()).isEqualTo(201);
        }
        try (Receiver receiver = new Receiver()) {
            for (String accept : List.of("application/ld+json", "application/json")) {
                String w = answers.check("POST /webhooks", call(api, "POST", "/webhooks", Map.of("url", receiver.url(),
                        "events", List.of("new_note")), accept)).path("uuid").asString();
                answers.check("GET /webhooks/{id}", call(api, "GET", "/webhooks/" + w, null, accept));
                answers.check("PATCH /webhooks/{id}", call(api, "PATCH", "/webhooks/" + w, Map.of("active", true), accept));
                answers.check("POST /webhooks/{id}/rotate-secret", call(api, "POST", "/webhooks/" + w + "/rotate-secret",
                        Map.of(), accept));
                String p = answers.check("POST /patients", call(api, "POST", "/patients", Map.of("firstName", "Ada",
                        "lastName", "Byron", "user", tenant.clinician().id().toString()), accept)).path("uuid").asString();
                answers.check("GET /patients/{uuid}", call(api, "GET", "/patients/" + p, null, accept));
                answers.check("PATCH /patients/{uuid}", call(api, "PATCH", "/patients/" + p, Map.of("gender", "female"),
                        accept));
                String n = answers.check("POST /notes", call(api, "POST", "/notes", Map.of("patient", p, "user",
                        tenant.clinician().id().toString(), "type", "consultation_summary", "content", "Dry cough."), accept))
                        .path("uuid").asString();
                answers.check("GET /notes/{uuid}", call(api, "GET", "/notes/" + n, null, accept));
                answers.check("PATCH /notes/{uuid}", call(api, "PATCH", "/notes/" + n, Map.of("content", "Cough."), accept));
                Http.Response uploaded = Upload.to(api).wav(AudioSamples.wav()).field("patient", p)
                        .field("user", tenant.clinician().id().toString()).field("transcript", "A dry cough.").send(accept);
                String a = answers.check("POST /audios", uploaded).path("uuid").asString();
                answers.check("GET /audios/{uuid}", call(api, "GET", "/audios/" + a, null, accept));
                answers.check("GET /users/{uuid}", call(api, "GET", "/users/" + tenant.clinician().id(), null, accept));
                String test = answers.check("POST /webhooks/{id}/test", call(api, "POST", "/webhooks/" + w + "/test",
                        Map.of(), accept)).path("uuid").asString();
                await().until(() -> api.get("/webhook-deliveries/" + test, "application/json")
                        .json().path("status").asString().equals("succeeded"));
                answers.check("GET /webhook-deliveries/{id}", call(api, "GET", "/webhook-deliveries/" + test, null, accept));
                answers.check("POST /webhook-deliveries/{id}/retry", call(api, "POST",
                        "/webhook-deliveries/" + test + "/retry", Map.of(), accept));
                Http.Response recovery = call(api, "POST", "/webhooks/" + w + "/recover", Map.of("since", "2026-01-01"),
                        accept);
                answers.check("POST /webhooks/{id}/recover", recovery);
                answers.check("GET /webhooks/{id}/recoveries/{recoveryId}", call(api, "GET", recovery.header("Location"),
                        null, accept));
                answers.check("POST /webhooks/{id}/replay-missing", call(api, "POST", "/webhooks/" + w + "/replay-missing",
                        Map.of("since", LocalDate.now(ZoneOffset.UTC).minusDays(1).toString()), accept));
                for (String collection : List.of("/notes", "/patients", "/audios", "/users", "/webhooks",
                        "/webhook-deliveries")) {
                    answers.check("GET " + collection, call(api, "GET", collection, null, accept));
                }
                // A middle page, so that the view has its previous and next links.
                answers.check("GET /notes", call(api, "GET", "/notes?itemsPerPage=1&page=2", null, accept));
                answers.check("GET /webhooks/{id}/deliveries", call(api, "GET", "/webhooks/" + w + "/deliveries", null,
                        accept));
                answers.check("GET /notes/feed", call(api, "GET", "/notes/feed", null, accept));
                answers.check("GET /me", call(api, "GET", "/me", null, accept));

                String o = answers.check("POST /admin/organizations", call(admin, "POST", "/admin/organizations",
                        Map.of("name", "Practice", "country", "FR"), accept)).path("uuid").asString();
                answers.check("GET /admin/organizations/{uuid}", call(admin, "GET", "/admin/organizations/" + o, null,
                        accept));
                answers.check("GET /admin/organizations", call(admin, "GET", "/admin/organizations", null, accept));
                answers.check("POST /admin/organizations/{uuid}/users", call(admin, "POST", "/admin/organizations/" + o
                        + "/users", Map.of("email", UUID.randomUUID() + "@example.test", "password", "a-long-password",
                        "firstName", "Grace", "lastName", "Hopper"), accept));
                answers.check("GET /admin/organizations/{uuid}/users", call(admin, "GET", "/admin/organizations/" + o
                        + "/users", null, accept));
                answers.check("POST /admin/organizations/{uuid}/clients", call(admin, "POST", "/admin/organizations/" + o
                        + "/clients", Map.of("name", "PMS", "grantTypes", List.of("client_credentials"), "scopes",
                        List.of("read:notes")), accept));
                // A public client has no secret: null in the answer.
                answers.check("POST /admin/organizations/{uuid}/clients", call(admin, "POST", "/admin/organizations/" + o
                        + "/clients", Map.of("name", "Desktop", "grantTypes", List.of("authorization_code"),
                        "redirectUris", List.of("http://127.0.0.1:8765/callback"), "public", true,
                        "scopes", List.of("read:notes")), accept));
                answers.check("GET /admin/organizations/{uuid}/clients", call(admin, "GET",
                        "/admin/organizations/" + o + "/clients", null, accept));
                String c = admin.get("/admin/organizations/" + o + "/clients", "application/json").json().get(0)
                        .path("clientId").asString();
                answers.check("POST /admin/organizations/{uuid}/clients/{clientId}/rotate-secret", call(admin, "POST",
                        "/admin/organizations/" + o + "/clients/" + c + "/rotate-secret", Map.of(), accept));
                answers.empty("DELETE /admin/organizations/{uuid}/clients/{clientId}", admin.delete(
                        "/admin/organizations/" + o + "/clients/" + c));
                answers.empty("DELETE /audios/{uuid}", api.delete("/audios/" + a));
                answers.empty("DELETE /patients/{uuid}", api.delete("/patients/" + p));
                answers.empty("DELETE /webhooks/{id}", api.delete("/webhooks/" + w));
            }
        }
        List<String> described = new ArrayList<>();
        operations().forEach((operation, node) -> node.path("responses").properties().forEach(r -> {
            // The HTML pages and the recording's bytes are no JSON to check.
            if (!r.getKey().startsWith("2") || operation.startsWith("GET /oauth2") || operation.equals("GET /activate")
                    || operation.equals("GET /audios/{uuid}/file")) {
                return;
            }
            if (r.getValue().path("content").isEmpty()) {
                described.add(operation + " " + r.getKey());
            }
            r.getValue().path("content").propertyNames().forEach(media -> described.add(operation + " " + media));
        }));
        assertThat(answers.checked).as("every described answer is checked").containsAll(described);
        assertThat(answers.undescribedNulls).as("nulls in real answers that the document does not allow").isEmpty();
        answers.visited.forEach(component -> resolve(document.at("/components/schemas/" + component))
                .path("properties").propertyNames().forEach(property -> assertThat(answers.seen)
                        .as("some answer has %s.%s", component, property).contains(component + "." + property)));
    }

    @Test
    void whatAWebhookReceivesIsTheDescribedRequest() throws Exception {
        Answers answers = new Answers();
        try (Receiver receiver = new Receiver()) {
            String w = api.post("/webhooks", Map.of("url", receiver.url(), "events", List.of("new_note", "updated_note")))
                    .json().get("uuid").asString();
            String n = api.post("/notes", Map.of("patient", patient, "user", tenant.clinician().id().toString(),
                    "type", "consultation_summary", "content", "Dry cough.")).json().get("uuid").asString();
            assertThat(api.patch("/notes/" + n, Map.of("content", "Cough.")).status()).isEqualTo(200);
            assertThat(api.post("/webhooks/" + w + "/test", Map.of()).status()).isEqualTo(202);
            await().until(() -> receiver.requests().stream().flatMap(r -> r.json().get("events").valueStream())
                    .map(e -> e.get("action").asString()).distinct().count() == 3);
            Set<String> actions = new LinkedHashSet<>();
            for (Receiver.Request request : receiver.requests()) {
                for (JsonNode event : request.json().get("events")) {
                    String action = event.get("action").asString();
                    actions.add(action);
                    JsonNode operation = document.path("webhooks").path(action).path("post");
                    assertThat(operation.isMissingNode()).as("webhooks.%s is described", action).isFalse();
                    answers.conforms(request.json(), operation.at("/requestBody/content/application~1json/schema"),
                            "webhook " + action + " ");
                    operation.path("parameters").forEach(header -> assertThat(request.header(
                            header.get("name").asString())).as(action + " " + header.get("name")).isNotBlank());
                }
            }
            assertThat(actions).containsExactlyInAnyOrder("new_note", "updated_note", "ping");
            assertThat(document.path("webhooks").propertyNames()).containsExactlyInAnyOrderElementsOf(actions);
        }
        assertThat(answers.undescribedNulls).isEmpty();
        assertThat(answers.visited).containsExactlyInAnyOrder("WebhookRequest", "WebhookEvent", "WebhookNote");
        answers.visited.forEach(component -> assertThat(document.at("/components/schemas/" + component + "/properties")
                .isObject()).as(component + " is in the document").isTrue());
        answers.visited.forEach(component -> resolve(document.at("/components/schemas/" + component))
                .path("properties").propertyNames().forEach(property -> assertThat(answers.seen)
                        .as("some delivery has %s.%s", component, property).contains(component + "." + property)));
    }

    /** Checks answers against the document, remembering what it saw. */
    private final class Answers {
        final Set<String> checked = new LinkedHashSet<>();
        final Set<String> visited = new LinkedHashSet<>();
        final Set<String> seen = new LinkedHashSet<>();
        /** Where an answer had a null that its schema does not allow. */
        final Set<String> undescribedNulls = new LinkedHashSet<>();

        /** Checks a success answer of {@code operation} against its description; returns its body. */
        JsonNode check(String operation, Http.Response response) {
            assertThat(response.status()).as("%s: %s", operation, response).isBetween(200, 299);
            return check(operation, response, Integer.toString(response.status()));
        }

        /** Checks an error answer of {@code operation} against the 4XX description; returns the answer. */
        Http.Response response(String operation, Http.Response response) {
            assertThat(response.status()).as("%s: %s", operation, response).isBetween(400, 499);
            check(operation, response, "4XX");
            return response;
        }

        /** Checks an answer without a body against a description without content. */
        void empty(String operation, Http.Response response) {
            assertThat(response.status()).as("%s: %s", operation, response).isEqualTo(204);
            JsonNode described = operations().get(operation).path("responses");
            assertThat(described.has("204")).as(operation).isTrue();
            assertThat(described.path("204").has("content")).as(operation).isFalse();
            checked.add(operation + " 204");
        }

        private JsonNode check(String operation, Http.Response response, String key) {
            String answered = response.header("Content-Type").split(";")[0].trim();
            JsonNode content = operations().get(operation).path("responses").path(key).path("content");
            String media = content.has(answered) || !content.has("*/*") ? answered : "*/*";
            assertThat(content.has(media)).as("%s answers %s %s, described: %s", operation, response.status(), media,
                    content.propertyNames()).isTrue();
            JsonNode body = response.json();
            conforms(body, content.path(media).path("schema"), operation + " " + media + " ");
            checked.add(operation + " " + media);
            return body;
        }

        private void conforms(JsonNode value, JsonNode schema, String where) {
            if (value.isNull()) {
                if (!allowsNull(schema)) {
                    undescribedNulls.add(where.replaceAll("\\.$", "") + " " + schema);
                }
                return;
            }
            Map<String, JsonNode> properties = new LinkedHashMap<>();
            Map<String, String> owners = new LinkedHashMap<>();
            Set<String> types = new LinkedHashSet<>();
            JsonNode[] items = new JsonNode[1];
            flatten(schema, properties, owners, types, items);
            if (!properties.isEmpty()) {
                assertThat(value.isObject()).as(where + value).isTrue();
                for (Map.Entry<String, JsonNode> field : value.properties()) {
                    assertThat(properties).as("%s has %s, which is not described", where, field.getKey())
                            .containsKey(field.getKey());
                    if (owners.get(field.getKey()) != null) {
                        seen.add(owners.get(field.getKey()) + "." + field.getKey());
                    }
                    conforms(field.getValue(), properties.get(field.getKey()), where + field.getKey() + ".");
                }
                return;
            }
            if (types.contains("array")) {
                assertThat(value.isArray()).as(where + value).isTrue();
                value.forEach(item -> conforms(item, items[0], where + "[]."));
                return;
            }
            for (String type : types) {
                boolean matches = switch (type) {
                    case "string" -> value.isString();
                    case "integer" -> value.isIntegralNumber();
                    case "number" -> value.isNumber();
                    case "boolean" -> value.isBoolean();
                    default -> true;
                };
                assertThat(matches).as("%s is %s, described as %s", where, value, type).isTrue();
            }
        }

        /**
         * The properties, types and items of a schema, through its references and allOf parts, and for a value
         * that is not null the parts of anyOf or oneOf that are not the null type.
         */
        private void flatten(JsonNode schema, Map<String, JsonNode> properties, Map<String, String> owners,
                Set<String> types, JsonNode[] items) {
            String ref = schema.path("$ref").asString("");
            String owner = null;
            if (ref.startsWith("#/components/schemas/")) {
                owner = ref.substring("#/components/schemas/".length());
                visited.add(owner);
            }
            JsonNode resolved = resolve(schema);
            resolved.path("allOf").forEach(part -> flatten(part, properties, owners, types, items));
            for (String choice : List.of("anyOf", "oneOf")) {
                resolved.path(choice).forEach(part -> {
                    if (!type(part).equals("null")) {
                        flatten(part, properties, owners, types, items);
                    }
                });
            }
            for (Map.Entry<String, JsonNode> property : resolved.path("properties").properties()) {
                // An allOf part that narrows a property (the collection's member) overrides it.
                properties.put(property.getKey(), property.getValue());
                owners.putIfAbsent(property.getKey(), owner);
            }
            if (!type(resolved).isEmpty()) {
                types.add(type(resolved));
            }
            if (resolved.has("items")) {
                items[0] = resolved.path("items");
            }
        }
    }

    @Test
    void aReferenceThatMayBeNullIsAnyOfTheReferenceAndNullNeverAReferenceWithATypeBeside() {
        List<String> typedReferences = new ArrayList<>();
        document.path("components").path("schemas").properties().forEach(component -> component.getValue()
                .path("properties").properties().forEach(property -> {
                    if (property.getValue().has("$ref") && property.getValue().has("type")) {
                        typedReferences.add(component.getKey() + "." + property.getKey());
                    }
                }));
        assertThat(typedReferences).as("a type beside a $ref binds the value by both: null would not conform")
                .isEmpty();
        JsonNode owner = document.at("/components/schemas/Patient/properties/user");
        assertThat(owner.path("anyOf")).hasSize(2);
        assertThat(owner.at("/anyOf/0/$ref").asString()).isEqualTo("#/components/schemas/Owner");
        assertThat(owner.at("/anyOf/1/type").asString()).isEqualTo("null");
    }

    @Test
    void errorsAreTheDescribedProblemDocuments() {
        Answers answers = new Answers();
        assertThat(api.patch("/webhooks/" + webhook, Map.of("active", false)).status()).isEqualTo(200);
        Map<Integer, Http.Response> problems = new LinkedHashMap<>();
        problems.put(400, answers.response("GET /notes", api.get("/notes?page=0", "application/ld+json")));
        problems.put(401, answers.response("GET /notes", new Http(port, null).get("/notes", "application/ld+json")));
        problems.put(403, answers.response("GET /notes", tenant.api(port, "profile").get("/notes", "application/json")));
        problems.put(404, answers.response("GET /notes/{uuid}", api.get("/notes/" + UUID.randomUUID(),
                "application/ld+json")));
        problems.put(409, answers.response("POST /webhooks/{id}/test", api.post("/webhooks/" + webhook + "/test",
                Map.of())));
        problems.put(415, answers.response("POST /notes", api.raw("POST", "/notes", "text/plain", "a note")));
        problems.put(422, answers.response("POST /notes", api.post("/notes", Map.of())));
        problems.forEach((status, response) -> assertThat(response.status()).as(response.toString()).isEqualTo(status));
        Set<String> without = new LinkedHashSet<>();
        operations().forEach((operation, node) -> {
            boolean page = node.path("responses").values().stream().anyMatch(r -> r.path("content").has("text/html"));
            if (!page && !(node.path("responses").has("4XX") && node.path("responses").has("5XX"))) {
                without.add(operation);
            }
        });
        assertThat(without).as("operations whose errors are not described").isEmpty();
        assertThat(answers.undescribedNulls).as("nulls in problems that the document does not allow").isEmpty();
        for (String component : List.of("Problem", "Violation")) {
            resolve(document.at("/components/schemas/" + component)).path("properties").propertyNames()
                    .forEach(property -> assertThat(answers.seen).as("some problem has %s.%s", component, property)
                            .contains(component + "." + property));
        }
    }

    /** Whether the schema admits null: a type that includes it (OpenAPI 3.1), nullable (3.0), or a part that does. */
    private boolean allowsNull(JsonNode schema) {
        JsonNode type = schema.path("type");
        Iterable<JsonNode> types = type.isArray() ? type : List.of(type);
        for (JsonNode t : types) {
            if ("null".equals(t.asString(""))) {
                return true;
            }
        }
        if (schema.path("nullable").asBoolean(false)) {
            return true;
        }
        for (String choice : List.of("anyOf", "oneOf")) {
            for (JsonNode part : schema.path(choice)) {
                if (allowsNull(part)) {
                    return true;
                }
            }
        }
        return schema.has("$ref") && allowsNull(resolve(schema));
    }

    private static Http.Response call(Http caller, String method, String url, Object body, String accept) {
        HttpRequest.Builder request = caller.builder(url).header("Accept", accept);
        if (body == null) {
            return caller.send(request.GET());
        }
        String json = Http.JSON.writeValueAsString(body);
        return caller.send(request.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    private Map<String, JsonNode> operations() {
        Map<String, JsonNode> operations = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                operations.put(method.getKey().toUpperCase() + " " + path.getKey(), method.getValue());
            }
        }
        return operations;
    }

    /** The JSON request bodies' schemas, by operation; each media type an operation takes has the same one. */
    private Map<String, JsonNode> jsonBodies() {
        Map<String, JsonNode> bodies = new LinkedHashMap<>();
        operations().forEach((operation, node) -> {
            JsonNode content = node.path("requestBody").path("content");
            if (content.has("application/json")) {
                JsonNode schema = content.path("application/json").path("schema");
                content.values().forEach(type -> assertThat(type.path("schema")).as(operation).isEqualTo(schema));
                bodies.put(operation, schema);
            }
        });
        return bodies;
    }

    private JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asString("");
        return ref.isEmpty() ? node : resolve(document.at(ref.substring(1)));
    }

    private void collect(JsonNode schema, Map<String, JsonNode> properties, Set<String> required) {
        JsonNode resolved = resolve(schema);
        resolved.path("allOf").forEach(part -> collect(part, properties, required));
        resolved.path("properties").properties().forEach(e -> properties.put(e.getKey(), e.getValue()));
        resolved.path("required").forEach(r -> required.add(r.asString()));
    }

    private static JsonNode wrongType(JsonNode property) {
        return switch (type(property)) {
            case "boolean" -> JsonNodeFactory.instance.stringNode("yes");
            case "array" -> JsonNodeFactory.instance.stringNode("not a list");
            default -> JsonNodeFactory.instance.numberNode(12345);
        };
    }

    private String malformed(JsonNode schema) {
        if (type(schema).equals("array")) {
            return malformed(resolve(schema.path("items")));
        }
        if (schema.has("enum")) {
            return "sideways";
        }
        if (schema.has("properties")) {
            return "not a date";
        }
        if (schema.has("maxLength")) {
            return "x".repeat(schema.path("maxLength").asInt() + 1);
        }
        return switch (type(schema)) {
            case "integer" -> "many";
            case "boolean" -> "maybe";
            case "string" -> schema.path("format").asString().equals("uuid") ? "not-a-uuid" : null;
            default -> null;
        };
    }

    /** OpenAPI 3.1 writes a type as a string or as a list of types. */
    private static String type(JsonNode schema) {
        JsonNode type = schema.path("type");
        return type.isArray() ? type.get(0).asString() : type.asString("");
    }

    private String concrete(String path) {
        return PATH_VARIABLE.matcher(path).replaceAll(m -> {
            if (path.startsWith("/admin")) {
                return tenant.organization().id().toString();
            }
            if (path.startsWith("/patients")) {
                return patient;
            }
            return path.startsWith("/webhooks") ? webhook : UUID.randomUUID().toString();
        });
    }

    private static Http.Response send(Http caller, String method, String url, JsonNode body) {
        return method.equals("PATCH") ? caller.patch(url, body) : caller.post(url, body);
    }

    private static List<String> paths(Http.Response response) {
        List<String> paths = new ArrayList<>();
        response.json().path("violations").forEach(v -> paths.add(v.path("propertyPath").asString()));
        return paths;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
