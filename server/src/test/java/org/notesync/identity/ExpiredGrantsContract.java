package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Spring's authorization server writes an authorization per token request and never removes one; ExpiredGrants
 * removes those whose every token and code expired over an hour ago, and keeps the rest.
 */
@ServerTest
abstract class ExpiredGrantsContract {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ExpiredGrants grants;

    @Autowired
    Clock clock;

    @Test
    void authorizationsWhoseTokensAllExpiredOverAnHourAgoAreRemovedAndNoOthers() {
        Tenants.Tenant tenant = tenants.create();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String expired = token(tenant);
        String withinTheGrace = token(tenant);
        String refreshable = token(tenant);
        String current = token(tenant);
        expire(expired, "access_token", now.minus(2, ChronoUnit.HOURS));
        expire(withinTheGrace, "access_token", now.minus(30, ChronoUnit.MINUTES));
        expire(refreshable, "access_token", now.minus(2, ChronoUnit.HOURS));
        jdbc.sql("UPDATE oauth2_authorization SET refresh_token_value = 'r', refresh_token_issued_at = ?, "
                        + "refresh_token_expires_at = ? WHERE id = ?")
                .params(now.minus(3, ChronoUnit.HOURS).atOffset(ZoneOffset.UTC),
                        now.plus(10, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC), refreshable).update();
        String unusedDeviceCode = insert(tenant, "device_code", now.minus(2, ChronoUnit.HOURS));
        String waitingDeviceCode = insert(tenant, "device_code", now.plus(5, ChronoUnit.MINUTES));
        String waitingForConsent = insert(tenant, null, null);
        String abandoned = insert(tenant, null, null);
        jdbc.sql("UPDATE oauth2_authorization SET created_at = ? WHERE id = ?")
                .params(now.minus(ExpiredGrants.ABANDONED_AFTER).minusSeconds(1).atOffset(ZoneOffset.UTC), abandoned)
                .update();

        assertThat(grants.expire(now)).isGreaterThanOrEqualTo(3);

        assertThat(ids(tenant)).contains(withinTheGrace, refreshable, current, waitingDeviceCode, waitingForConsent)
                .doesNotContain(expired, unusedDeviceCode, abandoned);
    }

    private String token(Tenants.Tenant tenant) {
        Http.Response response = new Http(port, null).raw("POST", "/oauth2/token",
                "application/x-www-form-urlencoded", Http.form(Map.of("grant_type", "client_credentials",
                        "client_id", tenant.client().clientId(), "client_secret", tenant.client().clientSecret(),
                        "scope", "profile")));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<String> ids = jdbc.sql("SELECT id FROM oauth2_authorization WHERE access_token_value = ?")
                .param(response.json().get("access_token").asString()).query(String.class).list();
        assertThat(ids).hasSize(1);
        return ids.get(0);
    }

    private void expire(String id, String token, Instant at) {
        jdbc.sql("UPDATE oauth2_authorization SET " + token + "_issued_at = ?, " + token + "_expires_at = ? WHERE id = ?")
                .params(at.minus(1, ChronoUnit.HOURS).atOffset(ZoneOffset.UTC), at.atOffset(ZoneOffset.UTC), id)
                .update();
    }

    /** An authorization without an access token: a code never exchanged, or one waiting for consent. */
    private String insert(Tenants.Tenant tenant, String code, Instant expiresAt) {
        String id = UUID.randomUUID().toString();
        String clientId = jdbc.sql("SELECT id FROM oauth2_registered_client WHERE client_id = ?")
                .param(tenant.client().clientId()).query(String.class).single();
        jdbc.sql("INSERT INTO oauth2_authorization (id, registered_client_id, principal_name, "
                        + "authorization_grant_type, state) VALUES (?, ?, ?, ?, ?)")
                .params(id, clientId, "someone", "urn:ietf:params:oauth:grant-type:device_code", "s").update();
        if (code != null) {
            jdbc.sql("UPDATE oauth2_authorization SET " + code + "_value = 'c', user_code_value = 'u', "
                            + "user_code_expires_at = ? WHERE id = ?")
                    .params(expiresAt.atOffset(ZoneOffset.UTC), id).update();
            expire(id, code, expiresAt);
        }
        return id;
    }

    private List<String> ids(Tenants.Tenant tenant) {
        return jdbc.sql("SELECT a.id FROM oauth2_authorization a JOIN oauth2_registered_client c "
                        + "ON c.id = a.registered_client_id WHERE c.client_id = ?")
                .param(tenant.client().clientId()).query(String.class).list();
    }
}
