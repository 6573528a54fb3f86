package org.notesync.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * The notesync API from Java. Thread-safe: build one per base URL and credentials, and share it.
 *
 * <pre>{@code
 * NotesyncClient client = NotesyncClient.builder("https://notesync.example.com")
 *         .clientCredentials("nsc_...", "nss_...", "read:notes", "read:patients")
 *         .build();
 * for (Note note : client.notes().list(NoteQuery.create().createdAfter(since).orderByCreatedAt(Order.ASC))) {
 *     ...
 * }
 * }</pre>
 */
public final class NotesyncClient {

    /** Tokens are renewed this long before they expire, so no call goes out with a token about to die. */
    public static final Duration DEFAULT_RENEW_BEFORE = Duration.ofSeconds(60);

    private final URI base;
    private final Transport transport;
    private final Api api;
    private final AuthorizationServer authorizationServer;

    private NotesyncClient(Builder b) {
        this.base = b.base;
        HttpClient http = b.http != null ? b.http : HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.transport = new Transport(http, b.retry, new Backoff(b.retry.initialBackoff(), b.retry.maxBackoff(),
                b.random), b.clock, b.sleeper, b.requestTimeout);
        this.authorizationServer = b.clientId == null ? null
                : new AuthorizationServer(base, b.clientId, b.clientSecret, transport);
        AccessTokens tokens = switch (b.tokenMode) {
            case NONE -> null;
            case FIXED -> b.tokens;
            case CLIENT_CREDENTIALS -> new RenewingAccessTokens(
                    current -> authorizationServer.clientCredentials(b.scopes), b.clock, b.renewBefore, null);
            case REFRESH -> new RenewingAccessTokens(current -> {
                if (current == null || current.refreshToken() == null) {
                    throw new OAuthException(0, "invalid_grant",
                            "No refresh token in the token store: authorize first (authorization code or device flow).");
                }
                return authorizationServer.refresh(current.refreshToken());
            }, b.clock, b.renewBefore, b.store);
        };
        this.api = new Api(base, transport, tokens);
    }

    /** @param baseUrl the server, such as {@code https://notesync.example.com} */
    public static Builder builder(String baseUrl) {
        return new Builder(URI.create(baseUrl));
    }

    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    public Notes notes() {
        return new Notes(api);
    }

    public Patients patients() {
        return new Patients(api);
    }

    public Audios audios() {
        return new Audios(api);
    }

    public Webhooks webhooks() {
        return new Webhooks(api);
    }

    public Deliveries deliveries() {
        return new Deliveries(api);
    }

    /** The organization's clinicians, to name the author of a note written with an organization-wide token. */
    public Users users() {
        return new Users(api);
    }

    /** {@code GET /me} (scope {@code profile}). */
    public Me me() {
        return api.get("/me", Me.class);
    }

    /** The rate limit the last response announced, if any did. */
    public Optional<RateLimit> rateLimit() {
        return transport.lastRateLimit();
    }

    /** The authorization server for the client this was built with (device flow, authorization code...). */
    public AuthorizationServer authorizationServer() {
        if (authorizationServer == null) {
            throw new IllegalStateException("Built without a client id: use authorizationServer(clientId, secret)");
        }
        return authorizationServer;
    }

    /** The authorization server for another client, with this client's HTTP settings. */
    public AuthorizationServer authorizationServer(String clientId, String clientSecret) {
        return new AuthorizationServer(base, clientId, clientSecret, transport);
    }

    public URI baseUrl() {
        return base;
    }

    private enum TokenMode { NONE, FIXED, CLIENT_CREDENTIALS, REFRESH }

    public static final class Builder {
        private final URI base;
        private TokenMode tokenMode = TokenMode.NONE;
        private String clientId;
        private String clientSecret;
        private List<String> scopes = List.of();
        private TokenStore store;
        private AccessTokens tokens;
        private RetryPolicy retry = RetryPolicy.defaults();
        private Clock clock = Clock.systemUTC();
        private Duration renewBefore = DEFAULT_RENEW_BEFORE;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private HttpClient http;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Random random = new Random();

        private Builder(URI base) {
            Objects.requireNonNull(base, "baseUrl");
            if (base.getScheme() == null || base.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be absolute, such as https://notesync.example.com");
            }
            this.base = base;
        }

        /**
         * An organization-wide integration (a confidential client): tokens are obtained with client
         * credentials and renewed before they expire.
         */
        public Builder clientCredentials(String clientId, String clientSecret, String... scopes) {
            this.tokenMode = TokenMode.CLIENT_CREDENTIALS;
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
            this.scopes = List.of(scopes);
            return this;
        }

        /**
         * Acting for a clinician, with the tokens they granted (authorization code or device flow) kept in
         * {@code store}. Each refresh rotates the refresh token and saves the new one there.
         *
         * @param clientSecret null for a public client
         */
        public Builder refreshingTokens(String clientId, String clientSecret, TokenStore store) {
            this.tokenMode = TokenMode.REFRESH;
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            this.clientSecret = clientSecret;
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The client for {@link NotesyncClient#authorizationServer()} without choosing a token mode yet. */
        public Builder client(String clientId, String clientSecret) {
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            this.clientSecret = clientSecret;
            return this;
        }

        /** Your own source of tokens. */
        public Builder accessTokens(AccessTokens tokens) {
            this.tokenMode = TokenMode.FIXED;
            this.tokens = Objects.requireNonNull(tokens, "tokens");
            return this;
        }

        public Builder retryPolicy(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** How long before expiry tokens are renewed (60 seconds by default). */
        public Builder renewBefore(Duration margin) {
            this.renewBefore = Objects.requireNonNull(margin, "margin");
            return this;
        }

        /** The clock for token expiry and rate-limit resets; tests pass a settable one. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Your own HttpClient (proxy, TLS settings); it should not follow redirects. */
        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client, "client");
            return this;
        }

        Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        Builder random(Random random) {
            this.random = random;
            return this;
        }

        public NotesyncClient build() {
            return new NotesyncClient(this);
        }
    }
}
