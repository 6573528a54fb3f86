package org.notesync.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.notesync.logging.LoggedErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Every {@code notesync.rate-limit.sync-interval} (a second), adds what this node counted to the shared buckets
 * ({@link TokenBuckets#sync()}); once an hour, removes the shared buckets left alone long enough to be full again.
 * A node that stops adds what it counted last.
 */
final class BucketSync implements SchedulingConfigurer, DisposableBean {

    private static final Duration FORGET_EVERY = Duration.ofHours(1);
    private static final Logger log = LoggerFactory.getLogger(BucketSync.class);

    private final TokenBuckets buckets;
    private final SharedBuckets shared;
    private final RateLimitProperties limits;
    private final Clock clock;
    private Instant nextForget;

    BucketSync(TokenBuckets buckets, SharedBuckets shared, RateLimitProperties limits, Clock clock) {
        this.buckets = buckets;
        this.shared = shared;
        this.limits = limits;
        this.clock = clock;
        this.nextForget = clock.instant().plus(FORGET_EVERY);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::run, limits.syncInterval(), limits.syncInterval()));
    }

    private void run() {
        buckets.sync();
        Instant now = clock.instant();
        if (!now.isBefore(nextForget)) {
            nextForget = now.plus(FORGET_EVERY);
            try {
                shared.forget(now.minus(TokenBuckets.idle(limits)));
            } catch (RuntimeException e) {
                log.warn("Removing idle rate limit buckets failed; the next run in an hour continues: {}",
                        LoggedErrors.summary(e));
            }
        }
    }

    @Override
    public void destroy() {
        buckets.sync();
    }
}
