package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.notesync.patient.PatientFixture;
import org.notesync.support.HeldTransaction;
import org.notesync.support.OnPostgres;
import org.notesync.support.Tenants;

@OnPostgres
class IdempotencyKeysPostgresIT extends IdempotencyKeysContract {

    /**
     * The hourly expiry passes by an expired key that a create is taking again rather than waiting for it: that
     * create's batch may go on to wait for another key the expiry has locked, and the two waiting for each
     * other were a deadlock (PostgreSQL ended one, and the batch was retried item by item).
     */
    @Test
    void theExpiryPassesByAKeyACreateIsTakingAgain() throws Exception {
        Tenants.Tenant t = tenants.create();
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert();
        Map<String, String> body = note(t, patient, "Retaken.");
        IdempotencyKeys.Claim retaken = claim(t, UUID.randomUUID().toString(), "POST /notes", body);
        IdempotencyKeys.Claim old = claim(t, UUID.randomUUID().toString(), "POST /notes", body);
        assertThat(keys.record(retaken, UUID.randomUUID())).isEmpty();
        assertThat(keys.record(old, UUID.randomUUID())).isEmpty();
        age(retaken, keys.retention().plusMinutes(1));
        age(old, keys.retention().plusMinutes(1));

        try (HeldTransaction create = HeldTransaction.begin(transactions,
                () -> assertThat(keys.record(retaken, UUID.randomUUID())).as("taken again").isEmpty())) {
            CompletableFuture<Integer> expiry = CompletableFuture.supplyAsync(
                    () -> keys.expire(Instant.now().minus(keys.retention())));
            assertThat(expiry.get(10, TimeUnit.SECONDS)).as("not waiting for the create").isGreaterThanOrEqualTo(1);
            assertThat(keyRows(old.keyHash())).isZero();
            create.commit();
        }
        assertThat(keyRows(retaken.keyHash())).as("the key the create took again stands").isEqualTo(1);
    }
}
