package org.notesync.client;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;

/**
 * The notesync OAuth 2 authorization server, as seen by one client: client credentials, authorization
 * code with PKCE, refresh (with rotation), and the device flow for desktop software. Get one from
 * {@link NotesyncClient#authorizationServer()} or {@link #of(String, String, String)}.
 */
public final class AuthorizationServer {

    static final String DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    /** RFC 8628 3.5: on {@code slow_down} the interval grows by 5 seconds for this and later polls. */
    static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);
    private static final Duration DEFAULT_DEVICE_INTERVAL = Duration.ofSeconds(5);

    private final URI base;
    private final String clientId;
    private final String clientSecret;
    private final Transport transport;

    AuthorizationServer(URI base, String clientId, String clientSecret, Transport transport) {
        this.base = base;
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.clientSecret = clientSecret;
        this.transport = transport;
    }

    /**
     * @param clientSecret null for a public client (desktop software without a secret)
     */
    public static AuthorizationServer of(String baseUrl, String clientId, String clientSecret) {
        return NotesyncClient.builder(baseUrl).build().authorizationServer(clientId, clientSecret);
    }

    public String clientId() {
        return clientId;
    }

    /** An organization-wide token for a confidential client. Safe to retry, and retried. */
    public Token clientCredentials(Collection<String> scopes) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (!scopes.isEmpty()) {
            form.put("scope", String.join(" ", scopes));
        }
        return token(form, true);
    }

    /**
     * Exchanges a refresh token for new tokens. The answer carries a new refresh token and the old one
     * stops working, so store the result before anything else. Not retried on a 5xx: the server may
     * have rotated the token already.
     */
    public Token refresh(String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", Objects.requireNonNull(refreshToken, "refreshToken"));
        return token(form, false);
    }

    /** Where to send the clinician's browser to start the authorization code flow. */
    public URI authorizationUri(URI redirectUri, Collection<String> scopes, String state, Pkce pkce) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", clientId);
        query.put("redirect_uri", redirectUri.toString());
        query.put("scope", String.join(" ", scopes));
        query.put("state", state);
        query.put("code_challenge", pkce.challenge());
        query.put("code_challenge_method", "S256");
        return base.resolve("/oauth2/authorize?" + form(query));
    }

    /** Exchanges the code the browser brought back to {@code redirectUri} for tokens. */
    public Token exchangeCode(String code, URI redirectUri, Pkce pkce) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri.toString());
        form.put("code_verifier", pkce.verifier());
        return token(form, false);
    }

    /** Starts a device flow: show the result to the clinician, then {@link #awaitApproval(DeviceAuthorization)}. */
    public DeviceAuthorization requestDeviceAuthorization(Collection<String> scopes) {
        Map<String, String> form = new LinkedHashMap<>();
        if (!scopes.isEmpty()) {
            form.put("scope", String.join(" ", scopes));
        }
        Instant asked = transport.clock().instant();
        HttpResponse<byte[]> response = post("/oauth2/device_authorization", form, true);
        JsonNode body = success(response);
        Duration interval = body.hasNonNull("interval") ? Duration.ofSeconds(body.get("interval").asLong())
                : DEFAULT_DEVICE_INTERVAL;
        String complete = text(body, "verification_uri_complete");
        return new DeviceAuthorization(text(body, "device_code"), text(body, "user_code"),
                base.resolve(text(body, "verification_uri")), complete == null ? null : base.resolve(complete),
                asked.plusSeconds(body.path("expires_in").asLong(600)), interval);
    }

    /**
     * Polls the token endpoint at the interval the server gave until the clinician approves. Adds 5
     * seconds to the interval on {@code slow_down}; keeps waiting on {@code authorization_pending}; throws
     * {@link OAuthException} with {@code access_denied} if the clinician refuses and {@code expired_token}
     * when the code runs out.
     */
    public Token awaitApproval(DeviceAuthorization authorization) {
        Duration interval = authorization.interval();
        while (true) {
            try {
                transport.sleeper().sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException("Interrupted while waiting for the device to be approved", e);
            }
            if (!transport.clock().instant().isBefore(authorization.expiresAt())) {
                throw new OAuthException(400, "expired_token", "The device code expired before it was approved.");
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", DEVICE_CODE_GRANT);
            form.put("device_code", authorization.deviceCode());
            try {
                return token(form, true);
            } catch (OAuthException e) {
                switch (e.error()) {
                    case "authorization_pending" -> { }
                    case "slow_down" -> interval = interval.plus(SLOW_DOWN_STEP);
                    default -> throw e;
                }
            }
        }
    }

    /** The whole device flow: asks for a code, hands it to {@code prompt} to show, and waits for approval. */
    public Token authorizeDevice(Collection<String> scopes, Consumer<DeviceAuthorization> prompt) {
        DeviceAuthorization authorization = requestDeviceAuthorization(scopes);
        prompt.accept(authorization);
        return awaitApproval(authorization);
    }

    private Token token(Map<String, String> form, boolean retrySafe) {
        Instant asked = transport.clock().instant();
        JsonNode body = success(post("/oauth2/token", form, retrySafe));
        String accessToken = text(body, "access_token");
        if (accessToken == null) {
            throw new TransportException("The token response has no access_token", null);
        }
        Instant expiresAt = body.hasNonNull("expires_in") ? asked.plusSeconds(body.get("expires_in").asLong()) : null;
        String scope = text(body, "scope");
        Set<String> scopes = scope == null ? Set.of()
                : Arrays.stream(scope.split(" ")).filter(s -> !s.isBlank())
                        .collect(Collectors.toCollection(LinkedHashSet::new));
        return new Token(accessToken, text(body, "token_type"), expiresAt, text(body, "refresh_token"), scopes);
    }

    private HttpResponse<byte[]> post(String path, Map<String, String> form, boolean retrySafe) {
        Map<String, String> fields = new LinkedHashMap<>(form);
        Transport.Call call = Transport.Call.of("POST", base.resolve(path), null)
                .withHeader("Accept", "application/json");
        if (clientSecret == null) {
            fields.put("client_id", clientId);
        } else {
            // RFC 6749 2.3.1: id and secret are form-encoded before going into the Basic header.
            String credentials = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                    + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
            call = call.withHeader("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        call = call.withBody("application/x-www-form-urlencoded", form(fields).getBytes(StandardCharsets.UTF_8));
        return transport.exchange(retrySafe ? call.markedRetrySafe() : call);
    }

    private JsonNode success(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 200 || status == 201) {
            JsonNode body = Responses.json(response);
            if (body == null || !body.isObject()) {
                throw new TransportException("The authorization server answered " + status + " without a JSON object",
                        null);
            }
            return body;
        }
        if (Responses.isJson(response)) {
            JsonNode body = Responses.json(response);
            if (body != null && body.hasNonNull("error")) {
                throw new OAuthException(status, body.get("error").asString(), text(body, "error_description"));
            }
        }
        throw Responses.apiError(response, transport);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> Query.encode(e.getKey()) + "=" + Query.encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }
}
