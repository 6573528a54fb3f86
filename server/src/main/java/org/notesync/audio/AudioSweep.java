package org.notesync.audio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.notesync.logging.LoggedErrors;
import org.notesync.web.Dates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Removes the recordings no audio refers to: the file of an upload whose process died between writing it
 * and committing its row, or of an audio deleted ({@link Audios#delete}) whose file could not be removed
 * then; and the partial files of uploads that died during the copy. Only what was written more than
 * {@link #GRACE} ago, so an upload between its file and its commit is never touched. Every node does it every
 * {@code notesync.audio.sweep-interval}; two nodes sweeping one directory remove each file once.
 */
@Component
class AudioSweep implements SchedulingConfigurer {

    /** How old a file must be before the sweep may remove it: far longer than an upload's commit takes. */
    static final Duration GRACE = Duration.ofHours(1);

    /** Keys checked against the audios per query. */
    static final int BATCH = 500;

    /** The keys {@link Audios#create} makes: {@code <organization>/<audio>.<extension>}. */
    private static final Pattern AUDIO_KEY = Pattern.compile("^[0-9a-f-]{36}/([0-9a-f-]{36})\\.[a-z0-9]+$");

    private static final Logger log = LoggerFactory.getLogger(AudioSweep.class);

    /** What one sweep removed. */
    record Swept(int orphans, int incomplete) {
    }

    private final JdbcClient jdbc;
    private final AudioStorage storage;
    private final Clock clock;
    private final Duration interval;
    private final Counter orphansRemoved;
    private final Counter incompleteRemoved;

    AudioSweep(JdbcClient jdbc, AudioStorage storage, Clock clock, AudioProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.storage = storage;
        this.clock = clock;
        this.interval = properties.sweepInterval();
        this.orphansRemoved = Counter.builder("notesync.audio.files.swept").tag("kind", "orphan")
                .description("Recordings removed because no audio refers to them").register(meters);
        this.incompleteRemoved = Counter.builder("notesync.audio.files.swept").tag("kind", "incomplete")
                .description("Partial files of uploads that never completed, removed").register(meters);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::scheduled, interval, interval));
    }

    private void scheduled() {
        try {
            Swept swept = sweep(Dates.now(clock).minus(GRACE));
            if (swept.orphans() + swept.incomplete() > 0) {
                log.info("Removed {} recording(s) no audio refers to and {} incomplete upload(s)", swept.orphans(),
                        swept.incomplete());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Sweeping the audio storage failed; the next run continues: {}", LoggedErrors.summary(e));
        }
    }

    /** Removes the unreferenced recordings and the partial uploads written before {@code writtenBefore}. */
    Swept sweep(Instant writtenBefore) throws IOException {
        int incomplete = storage.removeIncomplete(writtenBefore);
        incompleteRemoved.increment(incomplete);
        int orphans = 0;
        try (Stream<AudioStorage.StoredObject> objects = storage.list()) {
            Iterator<AudioStorage.StoredObject> old = objects.filter(o -> o.written().isBefore(writtenBefore))
                    .iterator();
            List<AudioStorage.StoredObject> batch = new ArrayList<>(BATCH);
            while (old.hasNext()) {
                batch.add(old.next());
                if (batch.size() == BATCH || !old.hasNext()) {
                    orphans += removeUnreferenced(batch);
                    batch.clear();
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause(); // a directory that went away while it was listed
        }
        return new Swept(orphans, incomplete);
    }

    /** Removes the objects of the batch whose audio does not exist or keeps its bytes under another key. */
    private int removeUnreferenced(List<AudioStorage.StoredObject> batch) throws IOException {
        Map<String, UUID> audioOfKey = new HashMap<>(); // several keys may name one audio
        for (AudioStorage.StoredObject object : batch) {
            Matcher key = AUDIO_KEY.matcher(object.key());
            if (key.matches()) { // anything else in the storage is not the sweep's to remove
                audioOfKey.put(object.key(), UUID.fromString(key.group(1)));
            }
        }
        if (audioOfKey.isEmpty()) {
            return 0;
        }
        Set<String> referenced = new HashSet<>(jdbc.sql("SELECT storage_key FROM audios WHERE id IN (:ids)")
                .param("ids", new HashSet<>(audioOfKey.values())).query(String.class).list());
        int removed = 0;
        for (String key : audioOfKey.keySet()) {
            if (!referenced.contains(key)) {
                storage.delete(key);
                orphansRemoved.increment();
                removed++;
            }
        }
        return removed;
    }
}
