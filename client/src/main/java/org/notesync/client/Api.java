package org.notesync.client;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** JSON over {@link Transport}: builds URIs, writes bodies, reads items and Hydra collections, raises errors. */
final class Api {

    static final String LD_JSON = "application/ld+json";
    static final String JSON = "application/json";
    static final String MERGE_PATCH = "application/merge-patch+json";
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** How long an upload may take, 200 MB over a slow uplink. */
    static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(10);

    private final URI base;
    private final Transport transport;
    private final AccessTokens tokens;
    /** Whether the last create answered echoed its key: the server honours keys, so a create may be repeated. */
    private volatile boolean keysHonoured;

    Api(URI base, Transport transport, AccessTokens tokens) {
        this.base = base;
        this.transport = transport;
        this.tokens = tokens;
    }

    Transport transport() {
        return transport;
    }

    URI uri(String path, Query<?> query) {
        String q = query == null ? "" : query.toQueryString();
        return base.resolve(path + (q.isEmpty() ? "" : "?" + q));
    }

    <T> T get(String path, Class<T> type) {
        return read(send(call("GET", base.resolve(path))), type);
    }

    <T> Pages<T> list(String path, Query<?> query, Class<T> type) {
        return new Pages<>(uri(path, query), uri -> page(uri, type));
    }

    <T> T post(String path, Object body, Class<T> type) {
        return read(send(call("POST", base.resolve(path)).withBody(JSON, write(body))), type);
    }

    /**
     * A create sent with an {@code Idempotency-Key}: the server creates once per key and answers a repeat with
     * what the first created, so the SDK repeats it like a GET (a connection lost before the answer, a 5xx) once
     * the server has shown that it honours keys ({@link #sendCreate}).
     */
    <T> T create(String path, Object body, String idempotencyKey, Class<T> type) {
        return read(sendCreate(call("POST", base.resolve(path)).withBody(JSON, write(body)), idempotencyKey), type);
    }

    /**
     * Sends a create with its key, repeatable once the server has shown that it honours keys: it echoes the key
     * of a create it answered (a server, or a node in a rolling upgrade, older than keys would write a repeat
     * again). Each answered create says it anew.
     */
    private HttpResponse<byte[]> sendCreate(Transport.Call call, String idempotencyKey) {
        if (idempotencyKey == null || !idempotencyKey.matches("[\\x21-\\x7E&&[^\",\\\\]]{1,255}")) {
            throw new IllegalArgumentException("An idempotency key is 1 to 255 visible ASCII characters other than "
                    + "quotes, backslashes and commas (a random UUID, for example)");
        }
        Transport.Call keyed = call.withHeader(IDEMPOTENCY_KEY, idempotencyKey);
        HttpResponse<byte[]> response = send(keysHonoured ? keyed.markedRetrySafe() : keyed);
        keysHonoured = idempotencyKey.equals(response.headers().firstValue(IDEMPOTENCY_KEY).orElse(null));
        return response;
    }

    /** A POST the SDK knows is harmless to repeat (the server treats it idempotently). */
    <T> T postRetrySafe(String path, Object body, Class<T> type) {
        Transport.Call call = call("POST", base.resolve(path)).markedRetrySafe();
        if (body != null) {
            call = call.withBody(JSON, write(body));
        }
        return read(send(call), type);
    }

    /**
     * A multipart create, streamed (a recording is never held in memory), with {@link #UPLOAD_TIMEOUT} at least
     * for the whole request, sent with an {@code Idempotency-Key} and repeated like {@link #create}.
     */
    <T> T postMultipart(String path, MultipartForm form, String idempotencyKey, Class<T> type) {
        return read(sendCreate(call("POST", base.resolve(path)).withBody(form.contentType(), form.body())
                .withTimeoutAtLeast(UPLOAD_TIMEOUT), idempotencyKey), type);
    }

    <T> T patch(String path, Object body, Class<T> type) {
        return read(send(call("PATCH", base.resolve(path)).withBody(MERGE_PATCH, write(body))), type);
    }

    <T> T put(String path, Object body, Class<T> type) {
        return read(send(call("PUT", base.resolve(path)).withBody(JSON, write(body))), type);
    }

    void delete(String path) {
        send(call("DELETE", base.resolve(path)));
    }

    private Transport.Call call(String method, URI uri) {
        return Transport.Call.of(method, uri, tokens).withHeader("Accept", LD_JSON);
    }

    private HttpResponse<byte[]> send(Transport.Call call) {
        HttpResponse<byte[]> response = transport.exchange(call);
        // Redirects are not followed (a bearer token must not travel to another host): a 3xx is an error too.
        if (response.statusCode() >= 300 || response.statusCode() < 200) {
            throw Responses.apiError(response, transport);
        }
        return response;
    }

    private <T> Page<T> page(URI uri, Class<T> type) {
        HttpResponse<byte[]> response = send(call("GET", uri));
        JsonNode body = Responses.json(response);
        if (body == null) {
            return new Page<>(List.of(), 0, null);
        }
        if (body.isArray()) {
            return new Page<>(items(body, type), body.size(), null);
        }
        JsonNode members = first(body, "member", "hydra:member");
        JsonNode total = first(body, "totalItems", "hydra:totalItems");
        JsonNode view = first(body, "view", "hydra:view");
        JsonNode next = view == null ? null : first(view, "next", "hydra:next");
        return new Page<>(members == null ? List.of() : items(members, type),
                total == null || !total.isNumber() ? -1 : total.asLong(),
                next == null || next.isNull() ? null : uri.resolve(next.asString()));
    }

    private static JsonNode first(JsonNode node, String name, String alternative) {
        JsonNode value = node.get(name);
        return value != null ? value : node.get(alternative);
    }

    private <T> List<T> items(JsonNode array, Class<T> type) {
        List<T> items = new ArrayList<>(array.size());
        for (JsonNode item : array) {
            items.add(convert(item, type));
        }
        return items;
    }

    private <T> T read(HttpResponse<byte[]> response, Class<T> type) {
        if (type == Void.class) {
            return null;
        }
        JsonNode body = Responses.json(response);
        return body == null ? null : convert(body, type);
    }

    private static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return Json.MAPPER.treeToValue(node, type);
        } catch (JacksonException e) {
            // Names the field, never the value: it may be a patient's name.
            String path = e.getPath().stream()
                    .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                    .collect(java.util.stream.Collectors.joining("."));
            throw new TransportException("Cannot read a " + type.getSimpleName() + " from the response"
                    + (path.isEmpty() ? "" : " at " + path), null);
        }
    }

    private static byte[] write(Object body) {
        return Json.MAPPER.writeValueAsBytes(body);
    }
}
