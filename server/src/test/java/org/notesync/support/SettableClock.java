package org.notesync.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests can stop and move forward (db-scheduler's SettableClock). Running, it follows the system
 * clock; {@link #freeze()} stops it, {@link #advance} moves it. {@link #reset()} returns to system time.
 */
public final class SettableClock extends Clock {

    private volatile Instant frozen;
    private volatile Duration offset = Duration.ZERO;

    @Override
    public Instant instant() {
        Instant at = frozen;
        return at != null ? at : Instant.now().plus(offset);
    }

    /** Stops the clock at the current instant. */
    public synchronized SettableClock freeze() {
        frozen = instant();
        return this;
    }

    /** Moves the clock forward (frozen or not). */
    public synchronized void advance(Duration by) {
        if (frozen != null) {
            frozen = frozen.plus(by);
        } else {
            offset = offset.plus(by);
        }
    }

    /** Back to the system clock. */
    public synchronized void reset() {
        frozen = null;
        offset = Duration.ZERO;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
