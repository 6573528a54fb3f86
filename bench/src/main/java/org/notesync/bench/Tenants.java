package org.notesync.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * The bench's organizations, made through the admin API the way an operator makes them: each with a
 * clinician, an integration client (client credentials) and its token, patients, and a webhook on the
 * loopback receiver.
 */
final class Tenants {

    /** One organization as the bench uses it. */
    record Tenant(int index, UUID organization, UUID clinician, String clientId, String clientSecret, String token,
            List<UUID> patients, UUID webhook) {

        /** A note body for one of its patients, about 1 KB like a consultation summary. */
        byte[] noteBody(long i) {
            UUID patient = patients.get((int) (i % patients.size()));
            return ("{\"patient\":\"" + patient + "\",\"user\":\"" + clinician
                    + "\",\"type\":\"consultation_summary\",\"content\":\"" + NOTE_CONTENT + " (" + i + ")\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    static final String NOTE_CONTENT = "Patient presents with a three-day history of productive cough, low-grade "
            + "fever (38.1 C) and fatigue. No dyspnoea at rest, no chest pain. Past history: mild asthma, well "
            + "controlled on inhaled corticosteroids. On examination: temperature 37.9 C, pulse 88, respiratory "
            + "rate 18, oxygen saturation 97% on room air. Scattered rhonchi over both lung fields, no focal "
            + "crackles. Throat mildly erythematous, no exudate. Assessment: acute bronchitis, most likely viral; "
            + "no sign of pneumonia. Plan: symptomatic treatment, paracetamol up to 1 g four times a day, fluids, "
            + "rest; continue the usual inhaler and use the reliever as needed. Safety-netting advice given: come "
            + "back if breathless, if the fever lasts beyond five days or if symptoms worsen. Follow-up in one "
            + "week if not improving. Sick note for three days provided.";

    static final String ADMIN_CLIENT = "demo-admin";
    static final String ADMIN_SECRET = "demo-admin-secret";

    private Tenants() {
    }

    /**
     * Creates {@code count} organizations on the node at {@code base}; with a receiver, each registers a
     * webhook for {@code new_note} on its own path of it.
     */
    static List<Tenant> create(Api api, URI base, int count, int patientsEach, Receiver receiver)
            throws IOException, InterruptedException {
        String admin = api.token(base, ADMIN_CLIENT, ADMIN_SECRET, "admin");
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Tenant> tenants = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            UUID org = uuid(api.post(base, "/admin/organizations", admin,
                    Map.of("name", "Bench practice " + t, "city", "Lyon", "country", "FR")).expect(201).json());
            UUID clinician = uuid(api.post(base, "/admin/organizations/" + org + "/users", admin, Map.of(
                    "email", "clinician-" + t + "-" + run + "@bench.notesync.local",
                    "password", "bench-password-" + run, "firstName", "Bench", "lastName", "Clinician " + t))
                    .expect(201).json());
            JsonNode client = api.post(base, "/admin/organizations/" + org + "/clients", admin, Map.of(
                    "name", "Bench integration " + t, "grantTypes", List.of("client_credentials"),
                    "scopes", List.of(Api.INTEGRATION_SCOPES.split(" ")))).expect(201).json();
            String clientId = client.get("clientId").asString();
            String clientSecret = client.get("clientSecret").asString();
            String token = api.token(base, clientId, clientSecret, Api.INTEGRATION_SCOPES);
            List<UUID> patients = new ArrayList<>();
            for (int p = 0; p < patientsEach; p++) {
                patients.add(uuid(api.post(base, "/patients", token, Map.of("firstName", "Patient",
                        "lastName", "P" + t + "-" + p, "externalId", "PMS-" + t + "-" + p, "gender", "unknown"))
                        .expect(201).json()));
            }
            UUID webhook = null;
            if (receiver != null) {
                JsonNode created = api.post(base, "/webhooks", token, Map.of("url", receiver.url(t),
                        "events", List.of("new_note"), "active", true)).expect(201).json();
                webhook = uuid(created);
                receiver.register(t, created.get("secret").asString());
            }
            tenants.add(new Tenant(t, org, clinician, clientId, clientSecret, token, List.copyOf(patients), webhook));
        }
        return tenants;
    }

    /** Fresh tokens (they live an hour; a full run is longer). */
    static List<Tenant> renewTokens(Api api, URI base, List<Tenant> tenants) throws IOException, InterruptedException {
        List<Tenant> renewed = new ArrayList<>();
        for (Tenant t : tenants) {
            renewed.add(new Tenant(t.index(), t.organization(), t.clinician(), t.clientId(), t.clientSecret(),
                    api.token(base, t.clientId(), t.clientSecret(), Api.INTEGRATION_SCOPES), t.patients(), t.webhook()));
        }
        return renewed;
    }

    private static UUID uuid(JsonNode resource) {
        return UUID.fromString(resource.get("uuid").asString());
    }
}
