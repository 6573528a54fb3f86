package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.notesync.support.Http;
import org.notesync.support.OnPostgres;
import org.notesync.support.Tenants;

@OnPostgres
class OAuthFlowsPostgresIT extends OAuthFlowsContract {

    /**
     * A request on a grant another holds longer than the wait (a node stuck with it, its connection cut without a
     * reset) is a 503 temporarily_unavailable with Retry-After, which the client may send again; never a request
     * held without end. On PostgreSQL, where the advisory lock is what another node holds.
     */
    @Test
    void aRefreshWhileAnotherNodeHoldsItsGrantIsTemporarilyUnavailable() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        OAuthClient practice = new OAuthClient(port, tenant.client());
        OAuthClient.Pkce pkce = OAuthClient.Pkce.create();
        String refresh = practice.exchange(authorize(practice, pkce, tenant.clinician().email(), tenant.password(),
                "profile"), pkce).json().get("refresh_token").asString();
        String grant = jdbc.sql("SELECT id FROM oauth2_authorization WHERE refresh_token_value = ?").param(refresh)
                .query(String.class).single();
        try (java.sql.Connection other = java.sql.DriverManager.getConnection(
                org.notesync.support.PostgresInitializer.jdbcUrl(), System.getenv().getOrDefault(
                        "NOTESYNC_TEST_POSTGRES_USER", "postgres"), "");
                java.sql.PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
            lock.setInt(1, SingleUseGrants.SPACE);
            lock.setInt(2, SingleUseGrants.key("grant:" + grant));
            lock.executeQuery().close();
            Http.Response held = practice.refresh(refresh);
            assertThat(held.status()).as(held.toString()).isEqualTo(503);
            assertThat(held.header("Retry-After")).isEqualTo("5");
            assertThat(held.json().get("error").asString()).isEqualTo("temporarily_unavailable");
        }
        assertThat(practice.refresh(refresh).status()).as("sent again once the lock is gone").isEqualTo(200);
    }
}
