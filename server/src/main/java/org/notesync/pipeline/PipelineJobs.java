package org.notesync.pipeline;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The pipeline's work queue: one row per step of an audio, claimed as a lease exactly like the webhook
 * deliveries ({@code FOR UPDATE SKIP LOCKED} on PostgreSQL, a conditional update elsewhere). A claim
 * counts as an attempt, so a step that keeps killing its worker still runs out of attempts. Every outcome
 * is written under {@link #hold}, which locks the row and checks the lease is still this worker's: a worker
 * that lost its lease (it stalled, another took over) changes nothing.
 */
final class PipelineJobs {

    enum Step {
        TRANSCRIBE, GENERATE;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A claimed step; {@code attempts} includes this one. */
    record Job(UUID id, UUID audioId, Step step, int attempts) {
    }

    /** The one statement that differs between databases: claiming a batch. */
    interface ClaimQuery {
        List<Job> claim(NamedParameterJdbcTemplate jdbc, MapSqlParameterSource params);
    }

    private static final String DUE = """
            SELECT id FROM pipeline_jobs
            WHERE status = 'pending' AND next_attempt_at <= :now AND (locked_until IS NULL OR locked_until < :now)
            ORDER BY next_attempt_at LIMIT :limit""";

    /** PostgreSQL: one statement; SKIP LOCKED lets concurrent claimers pass each other's rows by. */
    static final ClaimQuery POSTGRES = (jdbc, params) -> jdbc.query(
            "WITH due AS MATERIALIZED (" + DUE + " FOR UPDATE SKIP LOCKED) "
                    + "UPDATE pipeline_jobs j SET locked_by = :owner, locked_until = :until, attempts = j.attempts + 1, "
                    + "updated_at = :now FROM due WHERE j.id = due.id "
                    + "RETURNING j.id, j.audio_id, j.step, j.attempts", params, PipelineJobs::job);

    /**
     * Any other database (H2): pick candidates, lease them with a conditional UPDATE that only succeeds on
     * rows still free, then read back the rows this owner won.
     */
    static final ClaimQuery GENERIC = (jdbc, params) -> {
        List<UUID> candidates = jdbc.queryForList(DUE, params, UUID.class);
        if (candidates.isEmpty()) {
            return List.of();
        }
        params.addValue("ids", candidates);
        int won = jdbc.update("""
                UPDATE pipeline_jobs SET locked_by = :owner, locked_until = :until, attempts = attempts + 1,
                       updated_at = :now
                WHERE id IN (:ids) AND status = 'pending' AND (locked_until IS NULL OR locked_until < :now)""",
                params);
        if (won == 0) {
            return List.of();
        }
        return jdbc.query("""
                SELECT id, audio_id, step, attempts FROM pipeline_jobs
                WHERE id IN (:ids) AND locked_by = :owner AND locked_until = :until AND status = 'pending'
                ORDER BY next_attempt_at""", params, PipelineJobs::job);
    };

    private final NamedParameterJdbcTemplate jdbc;
    private final ClaimQuery claimQuery;

    PipelineJobs(NamedParameterJdbcTemplate jdbc, ClaimQuery claimQuery) {
        this.jdbc = jdbc;
        this.claimQuery = claimQuery;
    }

    /** Queues a step, due at once. Runs in the caller's transaction (the upload's, or the previous step's). */
    void enqueue(UUID audioId, Step step, Instant now) {
        jdbc.update("""
                INSERT INTO pipeline_jobs (id, audio_id, step, status, attempts, next_attempt_at, created_at,
                                           updated_at)
                VALUES (:id, :audio, :step, 'pending', 0, :now, :now, :now)""", new MapSqlParameterSource()
                .addValue("id", UUID.randomUUID()).addValue("audio", audioId).addValue("step", step.wireName())
                .addValue("now", utc(now)));
    }

    List<Job> claim(String owner, Instant now, Instant leaseUntil, int limit) {
        return claimQuery.claim(jdbc, new MapSqlParameterSource()
                .addValue("owner", owner).addValue("now", utc(now)).addValue("until", utc(leaseUntil))
                .addValue("limit", limit));
    }

    /** The steps due that no worker holds: a count that stays up means no node is taking them. */
    long waiting(Instant now) {
        Long count = jdbc.queryForObject("""
                SELECT COUNT(*) FROM pipeline_jobs
                WHERE status = 'pending' AND next_attempt_at <= :now AND (locked_until IS NULL OR locked_until < :now)""",
                new MapSqlParameterSource().addValue("now", utc(now)), Long.class);
        return count == null ? 0 : count;
    }

    /** Extends a lease this owner still holds; false when it was lost. */
    boolean extend(String owner, UUID jobId, Instant leaseUntil) {
        return jdbc.update("""
                UPDATE pipeline_jobs SET locked_until = :until
                WHERE id = :id AND locked_by = :owner AND status = 'pending'""", new MapSqlParameterSource()
                .addValue("until", utc(leaseUntil)).addValue("id", jobId).addValue("owner", owner)) == 1;
    }

    /**
     * Inside a transaction: locks the job's row and tells whether this owner still holds it. Only then may
     * the caller write the step's outcome, which commits with {@link #done}, {@link #retry} or
     * {@link #failed}.
     */
    boolean hold(String owner, UUID jobId) {
        return !jdbc.queryForList("""
                SELECT id FROM pipeline_jobs WHERE id = :id AND locked_by = :owner AND status = 'pending'
                FOR UPDATE""", new MapSqlParameterSource("id", jobId).addValue("owner", owner), UUID.class).isEmpty();
    }

    void done(UUID jobId, Instant now) {
        finish(jobId, "done", null, now);
    }

    void failed(UUID jobId, String error, Instant now) {
        finish(jobId, "failed", error, now);
    }

    void retry(UUID jobId, Instant nextAttemptAt, String error, Instant now) {
        jdbc.update("""
                UPDATE pipeline_jobs SET next_attempt_at = :next, last_error = :error, locked_by = NULL,
                       locked_until = NULL, updated_at = :now
                WHERE id = :id""", new MapSqlParameterSource().addValue("next", utc(nextAttemptAt))
                .addValue("error", error).addValue("now", utc(now)).addValue("id", jobId));
    }

    /**
     * Gives a step back without counting the attempt: the worker is stopping, the step was not at fault.
     * Any node (this one after a restart) claims it again at once.
     */
    void release(String owner, UUID jobId, Instant now) {
        jdbc.update("""
                UPDATE pipeline_jobs SET locked_by = NULL, locked_until = NULL, attempts = attempts - 1,
                       updated_at = :now
                WHERE id = :id AND locked_by = :owner AND status = 'pending'""", new MapSqlParameterSource()
                .addValue("id", jobId).addValue("owner", owner).addValue("now", utc(now)));
    }

    private void finish(UUID jobId, String status, String error, Instant now) {
        jdbc.update("""
                UPDATE pipeline_jobs SET status = :status, last_error = :error, locked_by = NULL,
                       locked_until = NULL, completed_at = :now, updated_at = :now
                WHERE id = :id""", new MapSqlParameterSource().addValue("status", status)
                .addValue("error", error, java.sql.Types.VARCHAR).addValue("now", utc(now)).addValue("id", jobId));
    }

    private static Job job(ResultSet rs, int row) throws SQLException {
        return new Job(rs.getObject("id", UUID.class), rs.getObject("audio_id", UUID.class),
                Step.valueOf(rs.getString("step").toUpperCase(Locale.ROOT)), rs.getInt("attempts"));
    }

    /** Truncated as the database stores it: the claim reads its rows back by comparing locked_until. */
    private static OffsetDateTime utc(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }
}
