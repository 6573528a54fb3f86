package org.notesync.webhook;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import jakarta.servlet.http.HttpServletRequest;
import org.notesync.delivery.AddressPolicy;
import org.notesync.delivery.Signatures;
import org.notesync.identity.Scopes;
import org.notesync.identity.SecretBox;
import org.notesync.identity.Viewer;
import org.notesync.web.ApiException;
import org.notesync.web.CollectionQuery;
import org.notesync.web.Dates;
import org.notesync.web.JsonFields;
import org.notesync.web.Page;
import org.notesync.web.Representations;
import org.notesync.web.Representations.ResourceType;
import org.notesync.web.Violation;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Webhook subscriptions and their delivery log: {@code /webhooks}, {@code /webhook-deliveries}. Everything is
 * scoped to the caller's organization; another organization's webhook or delivery is a 404.
 */
@RestController
class WebhookController {

    /** The webhooks.url column's length. */
    static final int MAX_URL = 2048;

    static final ResourceType WEBHOOK = new ResourceType("Webhook", "/webhooks");
    static final ResourceType DELIVERY = new ResourceType("WebhookDelivery", "/webhook-deliveries");
    static final String URL_REFUSED = "notesync-webhook-url-refused";
    static final String UNKNOWN_EVENT = "notesync-webhook-unknown-event";

    /**
     * A webhook as the API shows it.
     *
     * @param owner                   the clinician who owns it (receives their private patients' notes); null
     *                                for an organization-wide webhook
     * @param disabledReason          why it was disabled automatically (410 Gone, failing for too long)
     * @param failingSince            start of the current run of failed deliveries, null when healthy
     * @param previousSecretExpiresAt after a rotation, until when the previous secret also signs
     * @param secret                  only in the answers to creation and rotate-secret: shown once
     */
    @Schema(name = "Webhook")
    record WebhookView(UUID uuid, String url, List<String> events, boolean active, @Nullable UUID owner,
            @Nullable String disabledReason, @Nullable String failingSince, @Nullable String previousSecretExpiresAt,
            String createdAt, String updatedAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

        static WebhookView of(Webhooks.Webhook w, String secret) {
            return new WebhookView(w.id(), w.url(), w.events(), w.active(), w.ownerUserId(), w.disabledReason(),
                    Dates.format(w.failingSince()), Dates.format(w.previousSecretUntil()),
                    Dates.format(w.createdAt()), Dates.format(w.updatedAt()), secret);
        }
    }

    private final Webhooks webhooks;
    private final WebhookDeliveries deliveries;
    private final Recoveries recoveries;
    private final WebhookOutbox outbox;
    private final DeliveryWakeup wakeup;
    private final AddressPolicy policy;
    private final SecretBox secrets;
    private final Representations representations;
    private final JsonMapper json;
    private final Clock clock;
    private final WebhookProperties properties;
    private final TransactionTemplate transactions;

    WebhookController(Webhooks webhooks, WebhookDeliveries deliveries, Recoveries recoveries, WebhookOutbox outbox,
            DeliveryWakeup wakeup, AddressPolicy policy, SecretBox secrets, Representations representations,
            JsonMapper json, Clock clock, WebhookProperties properties, PlatformTransactionManager transactionManager) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.recoveries = recoveries;
        this.outbox = outbox;
        this.wakeup = wakeup;
        this.policy = policy;
        this.secrets = secrets;
        this.representations = representations;
        this.json = json;
        this.clock = clock;
        this.properties = properties;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    @PostMapping("/webhooks")
    ResponseEntity<Object> create(Viewer viewer, @RequestBody(required = false) JsonNode body,
            HttpServletRequest request) {
        JsonFields fields = JsonFields.of(body);
        String url = url(fields, fields.requiredString("url", MAX_URL));
        List<String> events = events(fields, true);
        boolean active = fields.bool("active").orElse(true);
        fields.validate();
        requireNotesScope(viewer, events);
        String secret = Signatures.newSecret();
        Webhooks.Webhook webhook = webhooks.create(viewer.organizationId(), viewer.userId(), url, events, active,
                secrets.encrypt(secret));
        ResponseEntity<Object> item = representations.item(request, WEBHOOK, webhook.id(),
                WebhookView.of(webhook, secret), HttpStatus.CREATED);
        return ResponseEntity.status(HttpStatus.CREATED).location(URI.create(WEBHOOK.iri(webhook.id())))
                .contentType(item.getHeaders().getContentType()).body(item.getBody());
    }

    @GetMapping("/webhooks")
    ResponseEntity<Object> list(Viewer viewer, @RequestParam MultiValueMap<String, String> parameters,
            HttpServletRequest request) {
        Page<WebhookView> page = webhooks.list(viewer, new CollectionQuery(parameters))
                .map(w -> WebhookView.of(w, null));
        return representations.collection(request, WEBHOOK, page, WebhookView::uuid);
    }

    @GetMapping("/webhooks/{id}")
    ResponseEntity<Object> get(Viewer viewer, @PathVariable UUID id, HttpServletRequest request) {
        return representations.item(request, WEBHOOK, id, WebhookView.of(webhook(viewer, id), null));
    }

    /** A JSON merge patch, as the notes' and patients' PATCH take it; plain JSON too, as before. */
    @PatchMapping(path = "/webhooks/{id}", consumes = {"application/merge-patch+json", "application/json",
            "application/ld+json"})
    ResponseEntity<Object> update(Viewer viewer, @PathVariable UUID id, @RequestBody(required = false) JsonNode body,
            HttpServletRequest request) {
        Webhooks.Webhook current = changeable(viewer, id);
        JsonFields fields = JsonFields.of(body);
        String url = current.url();
        if (fields.has("url")) {
            url = url(fields, fields.requiredString("url", MAX_URL));
        }
        List<String> events = fields.has("events") ? events(fields, true) : current.events();
        Optional<Boolean> activeGiven = fields.bool("active");
        if (fields.has("active") && body.get("active").isNull()) {
            fields.reject("active", "This value should not be null.", Violation.NOT_NULL);
        }
        boolean active = activeGiven.orElse(current.active());
        fields.validate();
        if (!url.equals(current.url()) || !events.equals(current.events())) {
            requireNotesScope(viewer, events);
        }
        if (url.equals(current.url()) && events.equals(current.events()) && active == current.active()) {
            // Nothing changes (the same values, or only properties that cannot be set): updatedAt stays.
            return representations.item(request, WEBHOOK, id, shown(viewer, WebhookView.of(current, null)));
        }
        // Only what changes is written: the webhook may have changed since it was read (on another node too).
        if (!webhooks.update(viewer.organizationId(), id, url.equals(current.url()) ? null : url,
                events.equals(current.events()) ? null : events, active == current.active() ? null : active,
                Dates.now(clock))) {
            throw ApiException.notFound("Webhook"); // deleted meanwhile
        }
        return representations.item(request, WEBHOOK, id, shown(viewer, WebhookView.of(webhook(viewer, id), null)));
    }

    @DeleteMapping("/webhooks/{id}")
    ResponseEntity<Void> delete(Viewer viewer, @PathVariable UUID id) {
        changeable(viewer, id);
        if (!webhooks.delete(viewer, id)) {
            throw ApiException.notFound("Webhook");
        }
        return ResponseEntity.noContent().build();
    }

    /** A new secret, shown once; the previous one keeps signing too for the overlap (24 h by default). */
    @PostMapping("/webhooks/{id}/rotate-secret")
    ResponseEntity<Object> rotateSecret(Viewer viewer, @PathVariable UUID id, HttpServletRequest request) {
        changeable(viewer, id);
        String secret = Signatures.newSecret();
        webhooks.rotate(viewer.organizationId(), id, secrets.encrypt(secret),
                Dates.now(clock).plus(properties.secretRotationOverlap()));
        return representations.item(request, WEBHOOK, id, shown(viewer, WebhookView.of(webhook(viewer, id), secret)));
    }

    /** Sends a {@code ping} event to this webhook only, whatever it subscribes to. */
    @PostMapping("/webhooks/{id}/test")
    ResponseEntity<Object> test(Viewer viewer, @PathVariable UUID id, HttpServletRequest request) {
        requireActive(changeable(viewer, id), "test it");
        UUID eventId = UUID.randomUUID();
        ObjectNode event = json.createObjectNode();
        event.put("id", eventId.toString());
        event.put("resource_type", "webhook");
        event.put("action", WebhookEvents.PING);
        event.putObject("metadata").putObject("webhook").put("uuid", id.toString());
        ObjectNode resource = event.putObject("resource_metadata");
        resource.put("user_id", viewer.userId() == null ? null : viewer.userId().toString());
        resource.put("organization_id", viewer.organizationId().toString());
        UUID deliveryId = transactions.execute(tx -> outbox.enqueue(viewer.organizationId(), eventId,
                WebhookEvents.PING, json.writeValueAsString(event), List.of(id)));
        return accepted(viewer, request, delivery(viewer, deliveryId));
    }

    @PostMapping("/webhooks/{id}/recover")
    ResponseEntity<Object> recover(Viewer viewer, @PathVariable UUID id, @RequestBody(required = false) JsonNode body,
            HttpServletRequest request) {
        Webhooks.Webhook webhook = requireActive(changeable(viewer, id), "recover its deliveries");
        return startRecovery(viewer, webhook, Recoveries.Kind.FAILED, body, request);
    }

    /**
     * Sends the webhook, in the background, the note events of a window that it never got (written while it was
     * inactive, or before it was registered), as Svix's replay-missing does.
     */
    @PostMapping("/webhooks/{id}/replay-missing")
    ResponseEntity<Object> replayMissing(Viewer viewer, @PathVariable UUID id,
            @RequestBody(required = false) JsonNode body, HttpServletRequest request) {
        Webhooks.Webhook webhook = requireActive(changeable(viewer, id), "send it what it missed");
        return startRecovery(viewer, webhook, Recoveries.Kind.MISSING, body, request);
    }

    private ResponseEntity<Object> startRecovery(Viewer viewer, Webhooks.Webhook webhook, Recoveries.Kind kind,
            JsonNode body, HttpServletRequest request) {
        JsonFields fields = JsonFields.of(body);
        Optional<Instant> since = fields.instant("since");
        Optional<Instant> until = fields.instant("until");
        if (!fields.has("since") || fields.has("since") && body.get("since").isNull()) {
            fields.reject("since", "This value should not be blank.", Violation.NOT_BLANK);
        }
        Instant now = Dates.now(clock);
        Instant end = until.orElse(now);
        if (since.isPresent() && !since.get().isBefore(end)) {
            // Name what was sent: without an until, the window ends now and since is what is wrong.
            if (until.isPresent()) {
                fields.reject("until", "This value should be after since.", Violation.INVALID_FORMAT);
            } else {
                fields.reject("since", "This value should be in the past (until defaults to now).",
                        Violation.INVALID_FORMAT);
            }
        }
        Duration retention = properties.retention();
        if (kind == Recoveries.Kind.MISSING && since.isPresent() && !retention.isZero()
                && since.get().isBefore(now.minus(retention))) {
            // Older deliveries are removed, so what was sent before then can no longer be told from what was not.
            long hours = retention.toHours();
            String kept = hours % 24 == 0 ? hours / 24 + (hours == 24 ? " day" : " days") : hours + " hours";
            fields.reject("since", "This value should be within the delivery history's retention (the last "
                    + kept + ").", Violation.INVALID_FORMAT);
        }
        fields.validate();
        Recoveries.Recovery recovery = recoveries.start(webhook, kind, since.get(), end);
        ResourceType type = recoveryType(webhook.id());
        ResponseEntity<Object> item = representations.item(request, type, recovery.uuid(),
                Representations.shown(mayRead(viewer), recovery.uuid(), recovery), HttpStatus.ACCEPTED);
        return ResponseEntity.accepted().location(URI.create(type.iri(recovery.uuid())))
                .contentType(item.getHeaders().getContentType()).body(item.getBody());
    }

    @GetMapping("/webhooks/{id}/recoveries/{recoveryId}")
    ResponseEntity<Object> recovery(Viewer viewer, @PathVariable UUID id, @PathVariable UUID recoveryId,
            HttpServletRequest request) {
        webhook(viewer, id);
        Recoveries.Recovery recovery = recoveries.find(viewer.organizationId(), id, recoveryId)
                .orElseThrow(() -> ApiException.notFound("Recovery"));
        return representations.item(request, recoveryType(id), recoveryId, recovery);
    }

    @GetMapping("/webhooks/{id}/deliveries")
    ResponseEntity<Object> webhookDeliveries(Viewer viewer, @PathVariable UUID id,
            @RequestParam MultiValueMap<String, String> parameters, HttpServletRequest request) {
        webhook(viewer, id);
        return representations.collection(request, DELIVERY,
                deliveries.list(viewer, id, new CollectionQuery(parameters)),
                WebhookDeliveries.Delivery::uuid);
    }

    /** The failure queue is {@code ?status=failed}. */
    @GetMapping("/webhook-deliveries")
    ResponseEntity<Object> allDeliveries(Viewer viewer, @RequestParam MultiValueMap<String, String> parameters,
            HttpServletRequest request) {
        return representations.collection(request, DELIVERY,
                deliveries.list(viewer, null, new CollectionQuery(parameters)),
                WebhookDeliveries.Delivery::uuid);
    }

    @GetMapping("/webhook-deliveries/{id}")
    ResponseEntity<Object> getDelivery(Viewer viewer, @PathVariable UUID id, HttpServletRequest request) {
        return representations.item(request, DELIVERY, id, delivery(viewer, id));
    }

    /** Replays one delivery (failed, or succeeded to send it again) with the same event ids. */
    @PostMapping("/webhook-deliveries/{id}/retry")
    ResponseEntity<Object> retry(Viewer viewer, @PathVariable UUID id, HttpServletRequest request) {
        requireActive(changeable(viewer, delivery(viewer, id).webhook()), "replay its deliveries");
        if (!deliveries.replay(viewer.organizationId(), id)) {
            delivery(viewer, id); // a 404 if it went meanwhile (a deleted webhook's purge, the retention)
            if (deliveries.nowPrivate(viewer.organizationId(), id)) {
                throw ApiException.conflict("The note's patient has been made private since: its notes now go "
                        + "only to its clinician's own webhooks, so this delivery is not sent again.");
            }
            throw ApiException.conflict("This delivery is already queued.");
        }
        wakeup.now();
        return accepted(viewer, request, delivery(viewer, id));
    }

    /**
     * A delivery queued by a test or a retry: shown to a token that may read deliveries, its uuid only to one that
     * may only change webhooks (its status and error kind say how the receiver answered).
     */
    private ResponseEntity<Object> accepted(Viewer viewer, HttpServletRequest request,
            WebhookDeliveries.Delivery delivery) {
        ResponseEntity<Object> item = representations.item(request, DELIVERY, delivery.uuid(),
                Representations.shown(mayRead(viewer), delivery.uuid(), delivery), HttpStatus.ACCEPTED);
        return ResponseEntity.accepted().location(URI.create(DELIVERY.iri(delivery.uuid())))
                .contentType(item.getHeaders().getContentType()).body(item.getBody());
    }

    /** What a GET of webhooks, their deliveries and recoveries needs (ScopeRules). */
    private static boolean mayRead(Viewer viewer) {
        return viewer.hasScope(Scopes.READ_WEBHOOKS) || viewer.hasScope(Scopes.READ_NOTES);
    }

    /**
     * What the answer to a change shows: the webhook to a token that may read webhooks, its uuid (and a new secret)
     * to one that may change them but not read them ({@code write:webhooks} alone), as for notes
     * ({@link Representations#shown}): the webhook as it is carries what others set, its URL among them.
     */
    private static Object shown(Viewer viewer, WebhookView view) {
        if (mayRead(viewer)) {
            return view;
        }
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("uuid", view.uuid());
        if (view.secret() != null) {
            identity.put("secret", view.secret());
        }
        return identity;
    }

    /** A disabled webhook is sent nothing, so what would be sent to it is refused rather than failed later. */
    private static Webhooks.Webhook requireActive(Webhooks.Webhook webhook, String what) {
        if (!webhook.active()) {
            throw ApiException.conflict("The webhook is not active; activate it (PATCH active: true) to " + what + ".");
        }
        return webhook;
    }

    /**
     * A webhook subscribed to note events delivers the notes themselves, so pointing one somewhere (creating
     * it, or changing its URL or events) needs {@code read:notes}: {@code write:webhooks} alone would
     * otherwise read every note through a receiver of its own.
     */
    private static void requireNotesScope(Viewer viewer, List<String> events) {
        if (!viewer.hasScope(Scopes.READ_NOTES) && events.stream().anyMatch(WebhookEvents.NOTE_EVENTS::contains)) {
            throw ApiException.forbidden("A webhook subscribed to " + String.join(" and ", events.stream()
                    .filter(WebhookEvents.NOTE_EVENTS::contains).distinct().toList()) + " receives the notes themselves: registering or redirecting one needs the scope "
                    + Scopes.READ_NOTES + ".");
        }
    }

    /**
     * A webhook this caller may change, send to or replay: its own clinician's, or, for an organization-wide
     * token, an organization-wide one. A clinician reads the organization's webhooks but cannot redirect,
     * pause or remove the integration's delivery.
     */
    private Webhooks.Webhook changeable(Viewer viewer, UUID id) {
        Webhooks.Webhook webhook = webhook(viewer, id);
        if (webhook.ownerUserId() == null && viewer.userId() != null) {
            throw new ApiException(HttpStatus.FORBIDDEN, "Forbidden", "This organization-wide webhook is managed "
                    + "by the organization's integration (a client-credentials token); a clinician's token manages "
                    + "the webhooks it registered.");
        }
        return webhook;
    }

    private Webhooks.Webhook webhook(Viewer viewer, UUID id) {
        return webhooks.find(viewer, id).orElseThrow(() -> ApiException.notFound("Webhook"));
    }

    private WebhookDeliveries.Delivery delivery(Viewer viewer, UUID id) {
        return deliveries.find(viewer, id)
                .orElseThrow(() -> ApiException.notFound("Webhook delivery"));
    }

    private static ResourceType recoveryType(UUID webhookId) {
        return new ResourceType("WebhookRecovery", WEBHOOK.iri(webhookId) + "/recoveries");
    }

    /**
     * The URL as it will be requested: checked, then with any character beyond ASCII in its path or query
     * %-encoded as UTF-8 (java.net.http would otherwise send those bytes raw, which is no valid request line).
     */
    private String url(JsonFields fields, String url) {
        if (url == null) {
            return null;
        }
        Optional<String> refused = policy.check(url);
        refused.ifPresent(why -> fields.reject("url", why, URL_REFUSED));
        if (refused.isPresent()) {
            return url;
        }
        if (URI.create(url).getRawFragment() != null) {
            // Never sent in a request, so the receiver would not see what the integrator meant it to. Checked here,
            // not where each delivery checks the URL again: a webhook registered with one before goes on working.
            fields.reject("url", "The URL must not have a fragment (#...): it is never sent to the receiver.",
                    URL_REFUSED);
            return url;
        }
        String ascii = URI.create(url).toASCIIString();
        if (ascii.length() > MAX_URL) {
            fields.reject("url", "This value is too long once its characters beyond ASCII are %-encoded. It should "
                    + "have " + MAX_URL + " characters or less.", Violation.TOO_LONG);
        }
        return ascii;
    }

    private List<String> events(JsonFields fields, boolean required) {
        List<String> given = fields.strings("events");
        if (given.isEmpty() && required && !fields.rejected("events")) {
            fields.reject("events", "This value should not be blank. Known events: "
                    + String.join(", ", WebhookEvents.SUBSCRIBABLE) + ".", Violation.NOT_BLANK);
        }
        List<String> events = new ArrayList<>(new LinkedHashSet<>(given));
        for (int i = 0; i < given.size(); i++) {
            if (!WebhookEvents.SUBSCRIBABLE.contains(given.get(i))) {
                fields.reject("events[" + i + "]", "Unknown event name. Known events: "
                        + String.join(", ", WebhookEvents.SUBSCRIBABLE) + ".", UNKNOWN_EVENT);
            }
        }
        return events;
    }
}
