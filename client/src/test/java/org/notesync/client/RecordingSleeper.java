package org.notesync.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Records the waits instead of spending them, and moves the test clock by as much. */
final class RecordingSleeper implements Sleeper {

    private final SettableClock clock;
    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

    RecordingSleeper(SettableClock clock) {
        this.clock = clock;
    }

    @Override
    public void sleep(Duration duration) {
        waits.add(duration);
        clock.advance(duration);
    }

    List<Duration> waits() {
        return List.copyOf(waits);
    }
}
