package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** The real server's rate limiter, made tiny (2 requests, 2 more every 3 seconds), against the SDK. */
@ServerTest
@TestPropertySource(properties = {"notesync.rate-limit.capacity=2", "notesync.rate-limit.refill=2",
        "notesync.rate-limit.refill-period=3s"})
abstract class SdkRateLimitWaitContract {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Test
    void theClientWaitsOutA429AsTheServerSaysAndEveryCallSucceeds() {
        Tenants.Tenant tenant = tenants.create();
        List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
        NotesyncClient client = NotesyncClient.builder("http://127.0.0.1:" + port)
                .clientCredentials(tenant.client().clientId(), tenant.client().clientSecret(), "profile")
                .retryPolicy(RetryPolicy.defaults().withMaxRateLimitWait(Duration.ofSeconds(30)))
                .sleeper(duration -> {
                    waits.add(duration);
                    Sleeper.SYSTEM.sleep(duration);
                })
                .build();

        for (int i = 0; i < 5; i++) {
            assertThat(client.me().clientId()).isEqualTo(tenant.client().clientId());
        }

        assertThat(waits).as("5 calls through a 2-request bucket had to wait").isNotEmpty()
                .allSatisfy(wait -> assertThat(wait).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(3)));
        assertThat(client.rateLimit()).hasValueSatisfying(limit -> assertThat(limit.limit()).isEqualTo(2));
    }

    @Test
    void withNoPatienceTheClientSurfacesTheServers429() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = NotesyncClient.builder("http://127.0.0.1:" + port)
                .clientCredentials(tenant.client().clientId(), tenant.client().clientSecret(), "profile")
                .retryPolicy(RetryPolicy.defaults().withMaxRateLimitWait(Duration.ZERO))
                .build();

        assertThatThrownBy(() -> {
            for (int i = 0; i < 4; i++) {
                client.me();
            }
        }).isInstanceOfSatisfying(RateLimitedException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.problem().title()).isEqualTo("Too Many Requests");
            assertThat(e.retryAfter()).hasValueSatisfying(
                    wait -> assertThat(wait).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(3)));
        });
    }
}
