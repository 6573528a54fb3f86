package org.notesync.pipeline;

import java.time.Clock;

import org.notesync.audio.AudioUploaded;
import org.notesync.web.Dates;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/** Queues an uploaded audio's first step in the upload's transaction, and wakes the worker once it commits. */
@Component
class PipelineQueue {

    private final PipelineJobs jobs;
    private final ObjectProvider<PipelineWorker> worker;
    private final Clock clock;

    PipelineQueue(PipelineJobs jobs, ObjectProvider<PipelineWorker> worker, Clock clock) {
        this.jobs = jobs;
        this.worker = worker;
        this.clock = clock;
    }

    @EventListener
    void queue(AudioUploaded uploaded) {
        jobs.enqueue(uploaded.audioId(), PipelineJobs.Step.TRANSCRIBE, Dates.now(clock));
    }

    @TransactionalEventListener
    void wake(AudioUploaded uploaded) {
        worker.ifAvailable(PipelineWorker::wake);
    }
}
