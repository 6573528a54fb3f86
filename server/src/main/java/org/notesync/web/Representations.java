package org.notesync.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes resources and collections the way API Platform does: JSON-LD with Hydra collections by
 * default, plain JSON (a bare array for collections) when the client asks for {@code application/json}.
 */
@org.springframework.stereotype.Component
public final class Representations {

    public static final MediaType LD_JSON = MediaType.valueOf("application/ld+json");
    private static final List<MediaType> PRODUCIBLE = List.of(LD_JSON, MediaType.APPLICATION_JSON);

    private final JsonMapper json;

    Representations(JsonMapper json) {
        this.json = json;
    }

    /**
     * The resource types' names, whose JSON-LD contexts {@code /contexts/{name}} serves ({@link Contexts}) on
     * every node from its start, whether or not it has built one of them yet.
     */
    static final Set<String> TYPES = Set.of("Note", "Patient", "User", "Audio", "Webhook", "WebhookDelivery",
            "WebhookRecovery", "Organization", "Client");

    /** A resource type as API Platform names it ({@code Note}) and where its items live ({@code /notes}). */
    public record ResourceType(String name, String path) {
        public ResourceType {
            if (!TYPES.contains(name)) {
                throw new IllegalArgumentException("A resource type's JSON-LD context is served for the names"
                        + " in Representations.TYPES only: " + name);
            }
        }

        public String iri(Object id) {
            return path + "/" + id;
        }
    }

    public <T> ResponseEntity<Object> item(HttpServletRequest request, ResourceType type, Object id, T resource) {
        return item(request, type, id, resource, HttpStatus.OK);
    }

    public <T> ResponseEntity<Object> item(HttpServletRequest request, ResourceType type, Object id, T resource,
            HttpStatus status) {
        MediaType media = negotiate(request);
        if (media.equals(MediaType.APPLICATION_JSON)) {
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(resource);
        }
        ObjectNode node = linked(type, id, resource);
        node.put("@context", "/contexts/" + type.name());
        ObjectNode ordered = json.createObjectNode();
        ordered.set("@context", node.remove("@context"));
        ordered.setAll(node);
        return ResponseEntity.status(status).contentType(LD_JSON).body(ordered);
    }

    /**
     * What the answer to a write shows: the resource to a caller whose token may read it, only its identity to one
     * that may write but not read ({@code write:notes} without {@code read:notes}): the resource as it is now
     * carries what others wrote (a note's content, its patient's names), and a write answered with it would read
     * what the token was not granted to.
     */
    public static Object shown(boolean mayRead, UUID id, Object resource) {
        return mayRead ? resource : Map.of("uuid", id);
    }

    /** A create's answer without Idempotency-Key: 201 with the resource and its {@code Location} (its IRI). */
    public ResponseEntity<Object> created(HttpServletRequest request, ResourceType type, Object id, Object resource) {
        ResponseEntity<Object> response = item(request, type, id, resource, HttpStatus.CREATED);
        return ResponseEntity.status(response.getStatusCode())
                .headers(h -> {
                    h.putAll(response.getHeaders());
                    h.setLocation(URI.create(type.iri(id)));
                })
                .body(response.getBody());
    }

    /**
     * A create's answer: 201 with the resource (or what of it the caller may read), its {@code Location}, and the
     * {@code Idempotency-Key} headers ({@link IdempotencyKeys#answer}).
     */
    public ResponseEntity<Object> created(HttpServletRequest request, ResourceType type, UUID id, Object resource,
            boolean replayed) {
        ResponseEntity<Object> response = created(request, type, id, resource);
        return ResponseEntity.status(response.getStatusCode())
                .headers(h -> {
                    h.putAll(response.getHeaders());
                    IdempotencyKeys.answer(h, request, replayed);
                })
                .body(response.getBody());
    }

    /**
     * A create sent again with its Idempotency-Key, answered with what the key created: the resource as it is now
     * when the caller may read it; only its identity when it may not (an integration's create of a patient private
     * to a clinician, or one made private since), so that a repeat neither shows what the caller may not read
     * nor tells it that nothing was created; a 404 once it is gone.
     */
    public <T> ResponseEntity<Object> replayed(HttpServletRequest request, ResourceType type, UUID id,
            Optional<T> readable, BooleanSupplier exists) {
        if (readable.isPresent()) {
            return created(request, type, id, readable.get(), true);
        }
        if (!exists.getAsBoolean()) {
            throw ApiException.notFound(type.name());
        }
        return created(request, type, id, Map.of("uuid", id), true);
    }

    /**
     * The longest Link header a plain page is answered with: its response's headers may take 48 KB
     * ({@code server.tomcat.max-http-response-header-size}), and one over that was a 500 with nothing sent.
     */
    static final int MAX_LINKS = 40 * 1024;

    public <T> ResponseEntity<Object> collection(HttpServletRequest request, ResourceType type, Page<T> page,
            Function<T, Object> idOf) {
        MediaType media = negotiate(request);
        if (media.equals(MediaType.APPLICATION_JSON)) {
            // A plain array has no view: its pages are linked as GitHub's are (RFC 8288).
            String links = links(view(request, page));
            if (links.length() > MAX_LINKS) {
                throw new ApiException(HttpStatus.URI_TOO_LONG, "URI Too Long", "The query string is too long to "
                        + "repeat in this page's Link header (" + links.length() / 1024 + " KB once its raw quotes, "
                        + "brackets and the like are %-encoded, in four links; at most " + MAX_LINKS / 1024
                        + " KB): %-encode it, shorten it, or ask for application/ld+json, whose view links the pages.");
            }
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.LINK, links)
                    .body(page.items());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("@context", "/contexts/" + type.name());
        body.put("@id", request.getRequestURI()); // a sub-collection is its own path, not its type's
        body.put("@type", "Collection");
        body.put("totalItems", page.totalItems());
        List<Member> members = new ArrayList<>(page.items().size());
        for (T item : page.items()) {
            members.add(new Member(type.iri(idOf.apply(item)), type.name(), item));
        }
        body.put("member", members);
        body.put("view", view(request, page));
        return ResponseEntity.ok().contentType(LD_JSON).body(body);
    }

    /**
     * A collection member: its {@code @id} and {@code @type}, then the resource's own properties, written
     * by the resource's serializer directly. Building a JSON tree of each member first and then writing
     * the tree was a fifth of the server's work on a page of notes (docs/PERFORMANCE.md).
     */
    @JsonPropertyOrder({"@id", "@type"})
    record Member(@JsonProperty("@id") String id, @JsonProperty("@type") String type,
            @JsonUnwrapped Object resource) {
    }

    private ObjectNode linked(ResourceType type, Object id, Object resource) {
        ObjectNode node = json.createObjectNode();
        node.put("@id", type.iri(id));
        node.put("@type", type.name());
        node.setAll((ObjectNode) json.valueToTree(resource));
        return node;
    }

    private static Map<String, Object> view(HttpServletRequest request, Page<?> page) {
        UriComponentsBuilder base = UriComponentsBuilder.fromPath(request.getRequestURI())
                .query(request.getQueryString());
        if (request.getParameter("itemsPerPage") != null) {
            // As served: an itemsPerPage above the maximum was clamped, and the links page by what was served.
            base.replaceQueryParam("itemsPerPage", page.itemsPerPage());
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("@id", link(base, page.page()));
        view.put("@type", "PartialCollectionView");
        view.put("first", link(base, 1));
        view.put("last", link(base, page.lastPage()));
        if (page.page() > 1) {
            view.put("previous", link(base, Math.min(page.page() - 1, page.lastPage())));
        }
        if (page.page() < page.lastPage()) {
            view.put("next", link(base, page.page() + 1));
        }
        return view;
    }

    /**
     * The view's first, last, previous and next pages as a Link header's value. The query string is the
     * client's, with the characters Tomcat was told to let through (brackets, quotes, angle brackets...):
     * they are %-encoded here, so that no query can close a link's {@code <...>} and add one of its own.
     */
    private static String links(Map<String, Object> view) {
        List<String> links = new ArrayList<>();
        for (Map.Entry<String, String> rel : Map.of("first", "first", "last", "last", "previous", "prev",
                "next", "next").entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            if (view.get(rel.getKey()) != null) {
                links.add("<" + uriCharacters((String) view.get(rel.getKey())) + ">; rel=\"" + rel.getValue() + "\"");
            }
        }
        return String.join(", ", links);
    }

    /** Every character a URI may not hold raw (RFC 3986), and the delimiters of a Link header, %-encoded. */
    private static String uriCharacters(String target) {
        StringBuilder out = new StringBuilder(target.length());
        for (char c : target.toCharArray()) {
            if (c <= 0x20 || c >= 0x7F || "\"<>[]\\^`{|},;".indexOf(c) >= 0) {
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(String.format("%02X", b & 0xFF));
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String link(UriComponentsBuilder base, long page) {
        return base.cloneBuilder().replaceQueryParam("page", page).build().toUriString();
    }

    /** Picks JSON-LD or plain JSON from the Accept header; anything else is a 406. */
    static MediaType negotiate(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        if (accept == null || accept.isBlank()) {
            return LD_JSON;
        }
        List<MediaType> wanted;
        try {
            wanted = MediaType.parseMediaTypes(accept);
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpStatus.NOT_ACCEPTABLE, "Not Acceptable", "The Accept header is malformed.");
        }
        wanted = wanted.stream().sorted(java.util.Comparator.comparingDouble(MediaType::getQualityValue).reversed()
                .thenComparing(MediaType::isWildcardType).thenComparing(MediaType::isWildcardSubtype)).toList();
        for (MediaType w : wanted) {
            if (w.getQualityValue() == 0) {
                continue;
            }
            for (MediaType p : PRODUCIBLE) {
                if (w.includes(p)) {
                    return p;
                }
            }
        }
        throw new ApiException(HttpStatus.NOT_ACCEPTABLE, "Not Acceptable",
                "This resource can be represented as application/ld+json or application/json.");
    }

}
