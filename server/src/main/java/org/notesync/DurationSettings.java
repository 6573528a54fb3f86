package org.notesync;

import java.time.Duration;

/** Checks of duration settings, which Spring Boot reads as milliseconds when they are written without a unit. */
public final class DurationSettings {

    private DurationSettings() {
    }

    /**
     * Refuses {@code value} below {@code floor}, naming the setting: a floor no one means, so that {@code 5} written
     * for {@code 5d} (5 ms) stops the server at start instead of running with it.
     */
    public static void atLeast(String property, Duration value, Duration floor, String example) {
        if (value == null || value.compareTo(floor) < 0) {
            throw new IllegalArgumentException(property + " (" + value + ") must be at least "
                    + (floor.toMillis() < 1000 ? floor.toMillis() + "ms" : floor.toString().substring(2).toLowerCase())
                    + ", such as " + example + " (a value without a unit is milliseconds).");
        }
    }
}
