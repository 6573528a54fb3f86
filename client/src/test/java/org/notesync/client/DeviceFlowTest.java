package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.notesync.client.Loopback.Reply;

/**
 * The polling sequence of the device flow (RFC 8628) against a scripted token endpoint on loopback: the real
 * server answers {@code slow_down} only to software polling faster than its interval, which the SDK never
 * does, so this is where the SDK's answer to it is exercised. The flow against
 * the real server, with a clinician approving in a browser, is in {@code SdkOAuthFlowsContract}.
 */
class DeviceFlowTest {

    static final String DEVICE = """
            {"device_code":"dev-123","user_code":"WDJB-MJHT","verification_uri":"/activate",
             "verification_uri_complete":"/activate?user_code=WDJB-MJHT","expires_in":600,"interval":5}""";
    static final String TOKEN = """
            {"access_token":"eyJ.a.b","token_type":"Bearer","expires_in":3600,"refresh_token":"r1",
             "scope":"read:notes profile"}""";

    final Loopback server = newLoopback();
    final SettableClock clock = new SettableClock(Instant.parse("2026-02-24T10:00:00Z"));
    final RecordingSleeper sleeper = new RecordingSleeper(clock);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void pollsAtTheIntervalAddsFiveSecondsOnSlowDownAndReturnsTheTokens() {
        server.then(Reply.json(200, DEVICE))
                .then(Reply.json(400, "{\"error\":\"authorization_pending\"}"))
                .then(Reply.json(400, "{\"error\":\"slow_down\"}"))
                .then(Reply.json(400, "{\"error\":\"authorization_pending\"}"))
                .then(Reply.json(400, "{\"error\":\"slow_down\"}"))
                .then(Reply.json(200, TOKEN));
        List<DeviceAuthorization> shown = new ArrayList<>();

        Token token = authorizationServer("desktop-app", null).authorizeDevice(List.of("read:notes", "profile"),
                shown::add);

        assertThat(shown).hasSize(1);
        assertThat(shown.get(0).userCode()).isEqualTo("WDJB-MJHT");
        assertThat(shown.get(0).verificationUri()).hasToString(server.base() + "/activate");
        assertThat(shown.get(0).verificationUriComplete()).hasToString(server.base() + "/activate?user_code=WDJB-MJHT");
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(15));
        assertThat(token.accessToken()).isEqualTo("eyJ.a.b");
        assertThat(token.refreshToken()).isEqualTo("r1");
        assertThat(token.scopes()).containsExactlyInAnyOrder("read:notes", "profile");
        assertThat(token.expiresAt()).isEqualTo(clock.instant().plusSeconds(3600));

        List<Loopback.Received> requests = server.received();
        assertThat(requests.get(0).uri()).isEqualTo("/oauth2/device_authorization");
        assertThat(requests.get(0).body()).isEqualTo("scope=read%3Anotes%20profile&client_id=desktop-app");
        assertThat(requests.get(1).uri()).isEqualTo("/oauth2/token");
        assertThat(requests.get(1).body()).isEqualTo(
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=dev-123&client_id=desktop-app");
        assertThat(requests.get(1).header("Authorization")).as("a public client sends no secret").isNull();
    }

    @Test
    void stopsOnAccessDenied() {
        server.then(Reply.json(200, DEVICE))
                .then(Reply.json(400, "{\"error\":\"authorization_pending\"}"))
                .then(Reply.json(400, "{\"error\":\"access_denied\",\"error_description\":\"The user refused.\"}"));

        assertThatThrownBy(() -> authorizationServer("desktop-app", null).authorizeDevice(List.of(), d -> { }))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.error()).isEqualTo("access_denied");
                    assertThat(e.description()).isEqualTo("The user refused.");
                });
        assertThat(server.received()).hasSize(3);
    }

    @Test
    void stopsOnExpiredToken() {
        server.then(Reply.json(200, DEVICE)).then(Reply.json(400, "{\"error\":\"expired_token\"}"));

        assertThatThrownBy(() -> authorizationServer("desktop-app", null).authorizeDevice(List.of(), d -> { }))
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.error()).isEqualTo("expired_token"));
    }

    @Test
    void stopsPollingItselfOnceTheCodeHasExpired() {
        server.then(Reply.json(200, DEVICE.replace("\"expires_in\":600", "\"expires_in\":12")))
                .then(Reply.json(400, "{\"error\":\"authorization_pending\"}"))
                .then(Reply.json(400, "{\"error\":\"authorization_pending\"}"))
                .then(Reply.json(400, "{\"error\":\"authorization_pending\"}"));

        assertThatThrownBy(() -> authorizationServer("desktop-app", null).authorizeDevice(List.of(), d -> { }))
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.error()).isEqualTo("expired_token"));
        assertThat(server.received()).as("polls at 5 s and 10 s, none at 15 s").hasSize(3);
    }

    @Test
    void aConfidentialClientAuthenticatesWithBasic() {
        server.then(Reply.json(200, TOKEN));

        authorizationServer("nsc_id", "nss secret/+").clientCredentials(List.of("read:notes"));

        Loopback.Received request = server.received().get(0);
        assertThat(request.header("Authorization")).isEqualTo("Basic " + java.util.Base64.getEncoder()
                .encodeToString("nsc_id:nss+secret%2F%2B".getBytes()));
        assertThat(request.body()).isEqualTo("grant_type=client_credentials&scope=read%3Anotes");
    }

    @Test
    void aRefusedRefreshIsAnOAuthException() {
        server.then(Reply.json(400, "{\"error\":\"invalid_grant\"}"));

        assertThatThrownBy(() -> authorizationServer("nsc_id", "s").refresh("used"))
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));
        assertThat(server.received()).hasSize(1);
    }

    private AuthorizationServer authorizationServer(String clientId, String secret) {
        return NotesyncClient.builder(server.base()).clock(clock).sleeper(sleeper).build()
                .authorizationServer(clientId, secret);
    }

    private static Loopback newLoopback() {
        try {
            return new Loopback();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
