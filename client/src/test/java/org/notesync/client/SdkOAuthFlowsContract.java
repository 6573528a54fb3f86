package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A clinician's tokens, end to end: the SDK's device flow and authorization code flow against the real
 * authorization server, with the clinician approving in a browser, then refresh-token rotation.
 */
@ServerTest
abstract class SdkOAuthFlowsContract {

    static final URI REDIRECT = URI.create("http://127.0.0.1:9/callback");
    static final List<String> SCOPES = List.of("profile", "read:notes");

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    org.notesync.identity.Clients clients;

    @Test
    void deviceFlowShowsTheCodePollsUntilTheClinicianApprovesAndGetsTheirTokens() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        AuthorizationServer authorizationServer = authorizationServer(tenant);
        List<DeviceAuthorization> shown = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> approvals = new ArrayList<>();

        Token token = authorizationServer.authorizeDevice(SCOPES, authorization -> {
            shown.add(authorization);
            // The clinician approves on another device while the software polls.
            approvals.add(CompletableFuture.runAsync(() -> {
                try (ClinicianBrowser browser = browser(tenant)) {
                    browser.activateDevice(authorization.userCode());
                }
            }));
        });
        approvals.get(0).get(30, TimeUnit.SECONDS);

        assertThat(shown).hasSize(1);
        assertThat(shown.get(0).userCode()).isNotBlank();
        assertThat(shown.get(0).verificationUri()).hasToString("http://127.0.0.1:" + port + "/activate");
        assertThat(shown.get(0).interval()).isPositive();
        assertThat(token.refreshToken()).isNotBlank();
        assertThat(token.scopes()).containsAll(SCOPES);
        Me me = NotesyncClient.builder(base()).accessTokens(AccessTokens.of(token.accessToken())).build().me();
        assertThat(me.uuid()).isEqualTo(tenant.clinician().id());
    }

    @Test
    void desktopSoftwareWithoutASecretSignsInWithTheDeviceFlowAndKeepsWorkingPastTheHour() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        org.notesync.identity.Clients.Created desktop = clients.create(tenant.organization().id(),
                new org.notesync.identity.Clients.Registration("Desktop", List.of(AuthorizationServer.DEVICE_CODE_GRANT,
                        "refresh_token"), SCOPES, List.of(), true));
        AuthorizationServer authorizationServer = NotesyncClient.builder(base()).client(desktop.clientId(), null)
                .build().authorizationServer();
        List<CompletableFuture<Void>> approvals = new ArrayList<>();

        Token token = authorizationServer.authorizeDevice(SCOPES, authorization -> approvals.add(
                CompletableFuture.runAsync(() -> {
                    try (ClinicianBrowser browser = browser(tenant)) {
                        browser.activateDevice(authorization.userCode());
                    }
                })));
        approvals.get(0).get(30, TimeUnit.SECONDS);

        List<Token> saved = Collections.synchronizedList(new ArrayList<>());
        SettableClock clock = SettableClock.now();
        NotesyncClient client = NotesyncClient.builder(base())
                .refreshingTokens(desktop.clientId(), null, TokenStore.inMemory(token, saved::add))
                .clock(clock).build();
        assertThat(client.me().email()).isEqualTo(tenant.clinician().email());
        clock.advance(Duration.ofMinutes(59).plusSeconds(30));
        assertThat(client.me().email()).isEqualTo(tenant.clinician().email());
        assertThat(saved).hasSize(1);
        assertThat(saved.get(0).refreshToken()).isNotEqualTo(token.refreshToken());
    }

    @Test
    void aDeviceCodeTheClinicianNeverApprovesIsReportedNotPolledForever() {
        Tenants.Tenant tenant = tenants.create();
        AuthorizationServer authorizationServer = authorizationServer(tenant);
        DeviceAuthorization authorization = authorizationServer.requestDeviceAuthorization(SCOPES);
        // The same code, said to expire right after the first poll: the SDK stops by itself.
        DeviceAuthorization expiring = new DeviceAuthorization(authorization.deviceCode(), authorization.userCode(),
                authorization.verificationUri(), authorization.verificationUriComplete(),
                java.time.Instant.now().plus(authorization.interval()).plusMillis(500), authorization.interval());

        assertThatThrownBy(() -> authorizationServer.awaitApproval(expiring))
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.error()).isEqualTo("expired_token"));
    }

    @Test
    void authorizationCodeWithPkceThenEveryRefreshRotatesTheRefreshToken() {
        Tenants.Tenant tenant = tenants.create();
        AuthorizationServer authorizationServer = authorizationServer(tenant);
        Pkce pkce = Pkce.create();
        String state = UUID.randomUUID().toString();

        URI callback;
        try (ClinicianBrowser browser = browser(tenant)) {
            callback = browser.authorize(authorizationServer.authorizationUri(REDIRECT, SCOPES, state, pkce));
        }
        Map<String, String> query = query(callback);
        assertThat(callback.getPort()).isEqualTo(9);
        assertThat(query).containsEntry("state", state).containsKey("code");
        Token first = authorizationServer.exchangeCode(query.get("code"), REDIRECT, pkce);
        assertThat(first.refreshToken()).isNotBlank();

        Token second = authorizationServer.refresh(first.refreshToken());
        assertThat(second.refreshToken()).isNotBlank().isNotEqualTo(first.refreshToken());
        assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
        assertThatThrownBy(() -> authorizationServer.refresh(first.refreshToken()))
                .as("a refresh token works once")
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));
    }

    @Test
    void theClientRefreshesBeforeExpiryAndHandsEachNewRefreshTokenToTheStore() {
        Tenants.Tenant tenant = tenants.create();
        Token granted = clinicianTokens(tenant);
        List<Token> saved = Collections.synchronizedList(new ArrayList<>());
        TokenStore store = TokenStore.inMemory(granted, saved::add);
        SettableClock clock = SettableClock.now();
        NotesyncClient client = NotesyncClient.builder(base())
                .refreshingTokens(tenant.client().clientId(), tenant.client().clientSecret(), store)
                .clock(clock).build();

        assertThat(client.me().uuid()).isEqualTo(tenant.clinician().id());
        assertThat(saved).as("the granted token is still fresh: no refresh").isEmpty();

        clock.advance(Duration.ofMinutes(59).plusSeconds(30));
        assertThat(client.me().uuid()).isEqualTo(tenant.clinician().id());
        clock.advance(Duration.ofMinutes(59).plusSeconds(30));
        assertThat(client.me().uuid()).isEqualTo(tenant.clinician().id());

        assertThat(saved).hasSize(2);
        List<String> refreshTokens = Stream.concat(Stream.of(granted), saved.stream()).map(Token::refreshToken).toList();
        assertThat(refreshTokens).doesNotHaveDuplicates();
        assertThat(store.load()).contains(saved.get(1));
        assertThatThrownBy(() -> authorizationServer(tenant).refresh(granted.refreshToken()))
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));
    }

    @Test
    void withoutAnyTokenInTheStoreTheClientSaysToAuthorizeFirst() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = NotesyncClient.builder(base())
                .refreshingTokens(tenant.client().clientId(), tenant.client().clientSecret(), TokenStore.inMemory(null))
                .build();

        assertThatThrownBy(client::me).isInstanceOfSatisfying(OAuthException.class,
                e -> assertThat(e.description()).contains("authorize first"));
    }

    private Token clinicianTokens(Tenants.Tenant tenant) {
        AuthorizationServer authorizationServer = authorizationServer(tenant);
        Pkce pkce = Pkce.create();
        try (ClinicianBrowser browser = browser(tenant)) {
            URI callback = browser.authorize(authorizationServer.authorizationUri(REDIRECT, SCOPES, "s", pkce));
            return authorizationServer.exchangeCode(query(callback).get("code"), REDIRECT, pkce);
        }
    }

    private AuthorizationServer authorizationServer(Tenants.Tenant tenant) {
        return NotesyncClient.builder(base()).client(tenant.client().clientId(), tenant.client().clientSecret())
                .build().authorizationServer();
    }

    private ClinicianBrowser browser(Tenants.Tenant tenant) {
        return new ClinicianBrowser(port, tenant.clinician().email(), tenant.password());
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static Map<String, String> query(URI uri) {
        return Stream.of(uri.getRawQuery().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> java.net.URLDecoder.decode(p[1],
                        java.nio.charset.StandardCharsets.UTF_8)));
    }
}
