package org.notesync.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** A tiny bucket (3 requests, 3 more every 2 seconds) so the limit is reached in a test. */
@ServerTest
@TestPropertySource(properties = {"notesync.rate-limit.capacity=3", "notesync.rate-limit.refill=3",
        "notesync.rate-limit.refill-period=2s"})
abstract class RateLimitContract {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Test
    void everyApiResponseAnnouncesTheLimitAndAnEmptyBucketIs429WithRetryAfter() {
        Http api = tenants.create().api(port);

        Http.Response first = api.get("/me");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("x-ratelimit-limit")).isEqualTo("3");
        long remaining = Long.parseLong(first.header("x-ratelimit-remaining"));
        long reset = Long.parseLong(first.header("x-ratelimit-reset"));
        assertThat(remaining).isBetween(0L, 2L);
        assertThat(reset).isBetween(Instant.now().getEpochSecond() - 1, Instant.now().getEpochSecond() + 3);

        Http.Response limited = null;
        for (int i = 0; i < 10 && limited == null; i++) {
            Http.Response r = api.get("/me");
            if (r.status() == 429) {
                limited = r;
            }
        }
        assertThat(limited).as("429 within 10 requests of a 3-request bucket").isNotNull();
        assertThat(limited.header("Content-Type")).startsWith("application/problem+json");
        assertThat(limited.header("x-ratelimit-remaining")).isEqualTo("0");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 2L);
        assertThat(limited.json().get("status").asInt()).isEqualTo(429);
        assertThat(limited.json().get("title").asString()).isEqualTo("Too Many Requests");
        assertThat(limited.json().get("instance").asString()).isEqualTo("/me");
    }

    @Test
    void eachClientHasItsOwnBucketAndErrorsCount() {
        Http first = tenants.create().api(port);
        Http second = tenants.create().api(port);
        for (int i = 0; i < 6; i++) {
            first.get("/notes-that-do-not-exist");
        }
        Http.Response other = second.get("/me");
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.header("x-ratelimit-limit")).isEqualTo("3");
    }

    @Test
    void requestsWithoutATokenAreNotCounted() {
        Http.Response anonymous = new Http(port, null).get("/me");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("x-ratelimit-limit")).isNull();
    }
}
