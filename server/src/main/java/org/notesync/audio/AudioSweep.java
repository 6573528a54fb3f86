package org.notesync.audio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.notesync.logging.LoggedErrors;
import org.notesync.web.Databases;
import org.notesync.web.Dates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Removes recordings the platform no longer keeps, every {@code notesync.audio.sweep-interval} on each node.
 *
 * <p>Those past their retention ({@link #expire}): when {@code notesync.audio.retention} is set, the
 * recording of an audio that ended (completed or failed) longer ago than that. The audio is marked first,
 * {@code file_deleted_at}, in a transaction of up to {@link #BATCH} rows, then its file goes; the audio, its
 * transcription and its note stay. On PostgreSQL two nodes skip each other's rows.
 *
 * <p>Those no audio refers to ({@link #sweep}): the file of an upload whose process died between writing it
 * and committing its row, or one a deletion or an expiry could not remove after its commit; and the partial
 * files of uploads that died during the copy. Only what was written more than {@link #GRACE} ago, so an
 * upload between its file and its commit is never touched; two nodes sweeping one directory remove each file
 * once. Only the files of this database's organizations: a directory shared by mistake with another
 * installation loses none of its files (a copy of this database, a staging clone, has the same organizations
 * and must never share it). The first run comes {@link #FIRST_RUN} after start, or one interval if shorter.
 */
@Component
class AudioSweep implements SchedulingConfigurer {

    /** How old a file must be before the sweep may remove it: far longer than an upload's commit takes. */
    static final Duration GRACE = Duration.ofHours(1);

    /** Keys checked against the audios per query, and audios expired per transaction. */
    static final int BATCH = 500;

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    /** The keys {@link Audios#create} makes: {@code <organization>/<audio>.<extension>}. */
    private static final Pattern AUDIO_KEY = Pattern.compile(
            "^(" + UUID_PATTERN + ")/(" + UUID_PATTERN + ")\\.[a-z0-9]+$");

    /** The first run comes this soon after start at most, so nodes restarted often still sweep. */
    static final Duration FIRST_RUN = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(AudioSweep.class);

    /** What one sweep removed. */
    record Swept(int orphans, int incomplete) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final AudioStorage storage;
    private final Clock clock;
    private final Duration retention;
    private final Duration interval;
    /** Locks the audios an expiry marks; on PostgreSQL another node's expiry skips them. */
    private final String lockRows;
    private final Counter expiredRemoved;
    private final Counter orphansRemoved;
    private final Counter incompleteRemoved;

    AudioSweep(JdbcClient jdbc, TransactionTemplate transactions, DataSource dataSource, AudioStorage storage,
            Clock clock, AudioProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.storage = storage;
        this.clock = clock;
        this.retention = properties.retention();
        this.interval = properties.sweepInterval();
        this.lockRows = dataSource != null && Databases.isPostgres(dataSource) ? " FOR UPDATE SKIP LOCKED"
                : " FOR UPDATE";
        this.expiredRemoved = swept("expired", meters);
        this.orphansRemoved = swept("orphan", meters);
        this.incompleteRemoved = swept("incomplete", meters);
    }

    /** One description for every kind: Prometheus shows one HELP line per metric, whichever kind registered first. */
    private static Counter swept(String kind, MeterRegistry meters) {
        return Counter.builder("notesync.audio.files.swept").tag("kind", kind)
                .description("Recording files the sweep removed, by kind: expired (the end of their retention), "
                        + "orphan (no audio refers to them), incomplete (an upload that never completed)")
                .register(meters);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        Duration first = interval.compareTo(FIRST_RUN) < 0 ? interval : FIRST_RUN;
        registrar.addFixedDelayTask(new FixedDelayTask(this::scheduled, interval, first));
    }

    private void scheduled() {
        if (!retention.isZero()) {
            try {
                int expired = expire(Dates.now(clock).minus(retention));
                if (expired > 0) {
                    log.info("Removed {} recording(s) of audios ended more than {} ago", expired, retention);
                }
            } catch (RuntimeException e) {
                log.warn("Removing recordings past their retention failed; the next run continues: {}",
                        LoggedErrors.summary(e));
            }
        }
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

    /**
     * Removes the recordings of the audios that ended before {@code endedBefore}, a transaction of marks then
     * their files at a time, until a transaction finds none left; returns how many.
     */
    int expire(Instant endedBefore) {
        int removed = 0;
        while (true) {
            List<String> keys = transactions.execute(tx -> {
                List<Map<String, Object>> rows = jdbc.sql("""
                                SELECT id, storage_key FROM audios
                                WHERE file_deleted_at IS NULL AND completed_at < :before
                                  AND status IN ('completed', 'failed')
                                ORDER BY completed_at LIMIT :limit""" + lockRows)
                        .param("before", utc(endedBefore)).param("limit", BATCH).query().listOfRows();
                if (rows.isEmpty()) {
                    return List.<String>of();
                }
                OffsetDateTime now = utc(Dates.now(clock));
                jdbc.sql("UPDATE audios SET file_deleted_at = :now, updated_at = :now WHERE id IN (:ids)")
                        .param("now", now).param("ids", rows.stream().map(r -> r.get("id")).toList()).update();
                return rows.stream().map(r -> (String) r.get("storage_key")).toList();
            });
            if (keys.isEmpty()) {
                return removed;
            }
            for (String key : keys) {
                try {
                    storage.delete(key);
                } catch (IOException | RuntimeException e) {
                    // Marked already: the sweep removes it once it no longer counts as referenced.
                    log.warn("An expired recording could not be removed; the sweep removes it: {}",
                            LoggedErrors.summary(e));
                }
            }
            expiredRemoved.increment(keys.size());
            removed += keys.size();
        }
    }

    /** Removes the unreferenced recordings and the partial uploads written before {@code writtenBefore}. */
    Swept sweep(Instant writtenBefore) throws IOException {
        int incomplete = storage.removeIncomplete(writtenBefore);
        incompleteRemoved.increment(incomplete);
        List<AudioStorage.StoredObject> batch = new ArrayList<>(BATCH);
        int[] orphans = {0};
        try {
            storage.forEachObject(object -> {
                if (!object.written().isBefore(writtenBefore)) {
                    return;
                }
                batch.add(object);
                if (batch.size() == BATCH) {
                    orphans[0] += removeUnreferenced(batch);
                    batch.clear();
                }
            });
            orphans[0] += removeUnreferenced(batch);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Swept(orphans[0], incomplete);
    }

    /**
     * Removes the objects of the batch whose organization is this database's and whose audio does not exist,
     * keeps its bytes under another key, or no longer keeps them. Another installation's files (an unknown
     * organization) are left alone.
     */
    private int removeUnreferenced(List<AudioStorage.StoredObject> batch) {
        List<AudioFile> files = new ArrayList<>(); // several files may name one audio
        for (AudioStorage.StoredObject object : batch) {
            Matcher key = AUDIO_KEY.matcher(object.key());
            if (key.matches()) { // anything else in the storage is not the sweep's to remove
                files.add(new AudioFile(object.key(), UUID.fromString(key.group(1)), UUID.fromString(key.group(2))));
            }
        }
        if (files.isEmpty()) {
            return 0;
        }
        Set<UUID> organizations = new HashSet<>(jdbc.sql("SELECT id FROM organizations WHERE id IN (:ids)")
                .param("ids", files.stream().map(AudioFile::organization).distinct().toList())
                .query(UUID.class).list());
        Set<String> referenced = new HashSet<>(jdbc.sql("""
                        SELECT storage_key FROM audios WHERE id IN (:ids) AND file_deleted_at IS NULL""")
                .param("ids", files.stream().map(AudioFile::audio).distinct().toList())
                .query(String.class).list());
        int removed = 0;
        for (AudioFile file : files) {
            if (organizations.contains(file.organization()) && !referenced.contains(file.key())) {
                try {
                    storage.delete(file.key());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                orphansRemoved.increment();
                removed++;
            }
        }
        return removed;
    }

    /** A stored file under a key {@link Audios#create} makes, and what its key names. */
    private record AudioFile(String key, UUID organization, UUID audio) {
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
