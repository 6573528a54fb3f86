package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The SDK against the real server: client credentials, renewal before expiry, typed errors. */
@ServerTest
abstract class SdkClientCredentialsContract {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    JdbcClient jdbc;

    final SettableClock clock = SettableClock.now();

    @Test
    void obtainsATokenAndCallsTheApiForItsOrganization() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant, "profile", "organization");

        Me me = client.me();

        assertThat(me.uuid()).as("no clinician behind a client-credentials token").isNull();
        assertThat(me.clientId()).isEqualTo(tenant.client().clientId());
        assertThat(me.organizations()).extracting(Me.Organization::uuid).containsExactly(tenant.organization().id());
        assertThat(client.users().list().stream().map(UserSummary::uuid)).containsExactly(tenant.clinician().id());
        assertThat(client.users().get(tenant.clinician().id()).lastName()).isEqualTo("Lovelace");
    }

    @Test
    void renewsTheTokenAMinuteBeforeItExpiresAndNotBefore() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant, "profile");

        client.me();
        client.me();
        assertThat(tokensIssued(tenant)).isEqualTo(1);
        clock.advance(Duration.ofMinutes(58).plusSeconds(50));
        client.me();
        assertThat(tokensIssued(tenant)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(20));
        Me me = client.me();
        assertThat(tokensIssued(tenant)).as("59:10 after issue, with less than 60 s left: renewed").isEqualTo(2);
        assertThat(me.clientId()).isEqualTo(tenant.client().clientId());
    }

    @Test
    void aTokenTheServerRefusesIsReplacedAndTheCallRepeatedOnce() {
        Tenants.Tenant tenant = tenants.create();
        AuthorizationServer authorizationServer = NotesyncClient.builder("http://127.0.0.1:" + port).build()
                .authorizationServer(tenant.client().clientId(), tenant.client().clientSecret());
        AtomicInteger grants = new AtomicInteger();
        RenewingAccessTokens tokens = new RenewingAccessTokens(current -> grants.incrementAndGet() == 1
                ? new Token("revoked-or-garbage", "Bearer", Instant.now().plusSeconds(3600), null, Set.of())
                : authorizationServer.clientCredentials(List.of("profile")), clock, Duration.ofSeconds(60), null);
        NotesyncClient client = NotesyncClient.builder("http://127.0.0.1:" + port).accessTokens(tokens).build();

        assertThat(client.me().clientId()).isEqualTo(tenant.client().clientId());
        assertThat(grants).hasValue(2);
    }

    @Test
    void serverErrorsArriveAsTypedExceptionsWithTheProblemDocument() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant, "organization");

        assertThatThrownBy(() -> client.users().get(UUID.randomUUID()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.problem().title()).isEqualTo("Not Found");
                    assertThat(e.problem().instance().getPath()).startsWith("/users/");
                });
        assertThatThrownBy(client::me).as("no profile scope")
                .isInstanceOfSatisfying(ForbiddenException.class, e -> assertThat(e.problem().status()).isEqualTo(403));
        assertThatThrownBy(() -> client.users().list(PageQuery.create().param("itemsPerPage", "many")).firstPage())
                .isInstanceOfSatisfying(BadRequestException.class,
                        e -> assertThat(e.problem().detail()).contains("itemsPerPage"));
    }

    @Test
    void aWrongSecretIsAnOAuthError() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = NotesyncClient.builder("http://127.0.0.1:" + port)
                .clientCredentials(tenant.client().clientId(), "not-the-secret", "profile").build();

        assertThatThrownBy(client::me).isInstanceOfSatisfying(OAuthException.class,
                e -> assertThat(e.error()).isEqualTo("invalid_client"));
    }

    @Test
    void everyResponseTellsTheRateLimit() {
        NotesyncClient client = client(tenants.create(), "profile");
        client.me();
        assertThat(client.rateLimit()).hasValueSatisfying(limit -> {
            assertThat(limit.limit()).isEqualTo(5000);
            assertThat(limit.remaining()).isEqualTo(4999);
            assertThat(limit.reset()).isAfter(Instant.now());
        });
    }

    NotesyncClient client(Tenants.Tenant tenant, String... scopes) {
        return NotesyncClient.builder("http://127.0.0.1:" + port)
                .clientCredentials(tenant.client().clientId(), tenant.client().clientSecret(), scopes)
                .clock(clock)
                .build();
    }

    /** Client-credentials grants the authorization server recorded for the tenant's client. */
    int tokensIssued(Tenants.Tenant tenant) {
        return jdbc.sql("SELECT COUNT(*) FROM oauth2_authorization WHERE registered_client_id = ?")
                .param(tenant.client().id()).query(Integer.class).single();
    }
}
