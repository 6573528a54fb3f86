package org.notesync.client;

import java.time.Duration;

/** Waits. Tests replace it to record the waits instead of spending them. */
@FunctionalInterface
interface Sleeper {

    Sleeper SYSTEM = duration -> {
        if (!duration.isNegative() && !duration.isZero()) {
            Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
        }
    };

    void sleep(Duration duration) throws InterruptedException;
}
