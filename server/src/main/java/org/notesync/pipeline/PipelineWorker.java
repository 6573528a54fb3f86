package org.notesync.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.notesync.logging.LoggedErrors;
import org.notesync.web.Dates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims due pipeline steps and runs them, at most {@code workers} at once. Plain Java: Spring only starts
 * and stops it. While a step runs its lease is renewed, so a long transcription keeps it; when this node
 * dies the lease runs out and any node's worker takes the step over.
 */
final class PipelineWorker {

    private static final Logger log = LoggerFactory.getLogger(PipelineWorker.class);

    record Settings(String nodeId, int workers, Duration pollInterval, Duration lease) {
    }

    private final PipelineJobs jobs;
    private final PipelineSteps steps;
    private final Clock clock;
    private final Settings settings;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private volatile ScheduledExecutorService scheduler;
    private volatile ExecutorService executor;
    private volatile ScheduledFuture<?> polling;
    private volatile boolean stopping;

    PipelineWorker(PipelineJobs jobs, PipelineSteps steps, Clock clock, Settings settings) {
        this.jobs = jobs;
        this.steps = steps;
        this.clock = clock;
        this.settings = settings;
    }

    synchronized void start() {
        if (isRunning()) {
            return;
        }
        stopping = false;
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "pipeline-poller"));
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(settings.workers(),
                r -> thread(r, "pipeline-worker-" + n.incrementAndGet()));
        polling = scheduler.scheduleWithFixedDelay(this::pollQuietly, 0, settings.pollInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Stops claiming, and interrupts the steps still running after {@code grace}: each gives its step back
     * (see {@link PipelineSteps#run}), and one that cannot is reclaimed when its lease runs out. The leases are
     * renewed until then: a lease shorter than the grace ran out while its step finished, and another node ran
     * the step again (a second paid transcription) while this one's outcome was dropped.
     */
    synchronized void stop(Duration grace) {
        if (!isRunning()) {
            return;
        }
        stopping = true;
        polling.cancel(false);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
                executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        scheduler = null;
        executor = null;
    }

    boolean isRunning() {
        return scheduler != null;
    }

    /** Looks for work soon (an upload committed, a step finished); several calls make one poll. */
    void wake() {
        ScheduledExecutorService s = scheduler;
        if (s != null && wakeQueued.compareAndSet(false, true)) {
            try {
                s.execute(() -> {
                    wakeQueued.set(false);
                    pollQuietly();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                wakeQueued.set(false); // stopping
            }
        }
    }

    /**
     * Claims what is due, up to the free workers, and runs it in the caller's thread. For tests and tools:
     * the running worker does the same on its own threads.
     */
    int runDue() {
        List<PipelineJobs.Job> claimed = claim(settings.workers());
        claimed.forEach(this::runWithLease);
        return claimed.size();
    }

    private void pollQuietly() {
        if (stopping) {
            return;
        }
        try {
            int free = settings.workers() - running.get();
            if (free <= 0) {
                return;
            }
            for (PipelineJobs.Job job : claim(free)) {
                running.incrementAndGet();
                try {
                    executor.execute(() -> {
                        try {
                            runWithLease(job);
                        } finally {
                            running.decrementAndGet();
                            wake(); // the next step of this audio is due now
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    running.decrementAndGet();
                    jobs.release(settings.nodeId(), job.id(), Dates.now(clock));
                }
            }
        } catch (RuntimeException e) {
            log.warn("Pipeline poll failed; it will be retried: {}", LoggedErrors.summary(e));
        }
    }

    private List<PipelineJobs.Job> claim(int limit) {
        Instant now = Dates.now(clock);
        return jobs.claim(settings.nodeId(), now, now.plus(settings.lease()), limit);
    }

    private void runWithLease(PipelineJobs.Job job) {
        ScheduledExecutorService s = scheduler;
        ScheduledFuture<?> renewal = null;
        if (s != null && stopping) {
            // Claimed as the node began stopping: given back now rather than started.
            jobs.release(settings.nodeId(), job.id(), Dates.now(clock));
            return;
        }
        if (s != null) {
            long every = Math.max(1, settings.lease().toMillis() / 3);
            try {
                renewal = s.scheduleAtFixedRate(() -> renew(job), every, every, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // The node is stopping: the step is given back now rather than held to the end of its lease.
                jobs.release(settings.nodeId(), job.id(), Dates.now(clock));
                return;
            }
        }
        try {
            steps.run(job, settings.nodeId());
        } catch (RuntimeException e) {
            // The lease runs out and the step is tried again, counting this attempt.
            log.error("Pipeline job {} ({}) failed unexpectedly", job.id(), job.step().wireName(),
                    LoggedErrors.withoutMessages(e));
        } finally {
            if (renewal != null) {
                renewal.cancel(false);
            }
        }
    }

    private void renew(PipelineJobs.Job job) {
        try {
            if (!jobs.extend(settings.nodeId(), job.id(), Dates.now(clock).plus(settings.lease()))) {
                log.warn("Pipeline job {} lost its lease to another worker", job.id());
            }
        } catch (RuntimeException e) {
            log.warn("Could not renew the lease of pipeline job {}: {}", job.id(), LoggedErrors.summary(e));
        }
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
