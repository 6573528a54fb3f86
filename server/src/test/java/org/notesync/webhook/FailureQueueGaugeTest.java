package org.notesync.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** {@code notesync_webhook_failure_queue}: a scrape never waits for the database. */
class FailureQueueGaugeTest {

    @Test
    void aScrapeWhileTheDatabaseHangsAnswersAtOnceWithTheLastCount() throws InterruptedException {
        AtomicLong depth = new AtomicLong(7);
        AtomicInteger counts = new AtomicInteger();
        CountDownLatch[] hang = {new CountDownLatch(0)};
        Gauge gauge = FailureQueueGauge.register(new SimpleMeterRegistry(), () -> {
            counts.incrementAndGet();
            try {
                hang[0].await(); // a pool waiting out its connection timeout
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return depth.get();
        }, Duration.ofMillis(50));

        gauge.value();
        await().atMost(Duration.ofSeconds(5)).until(() -> gauge.value() == 7);
        // The await's last look may have started another count: let it end before the database "hangs", or it
        // would be the one that waits, counted before the scrapes below.
        TimeUnit.MILLISECONDS.sleep(500);

        hang[0] = new CountDownLatch(1);
        depth.set(9);
        TimeUnit.MILLISECONDS.sleep(100);
        int before = counts.get();
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            for (int i = 0; i < 20; i++) {
                assertThat(gauge.value()).as("the last count, while the next one waits").isEqualTo(7);
                TimeUnit.MILLISECONDS.sleep(20);
            }
        });
        int whileDown = counts.get() - before;
        hang[0].countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> gauge.value() == 9);
        assertThat(whileDown).as("one count at a time, however many scrapes wait").isEqualTo(1);
    }
}
