package org.notesync.pipeline;

import java.time.Duration;

/** What running one step came to. The reasons are ours, never patient data. */
sealed interface StepOutcome {

    /** The transcript is known; the generation step comes next. */
    record Transcribed(String text, Duration duration, String source) implements StepOutcome {
    }

    /** The note's content is ready: the note is written and the audio completed, together. */
    record Generated(String content) implements StepOutcome {
    }

    /** Worth another try later, unless the step has used its attempts. */
    record Retry(String reason) implements StepOutcome {
    }

    /** The audio fails with this reason. */
    record Fail(String reason) implements StepOutcome {
    }

    /** Nothing left to do (the audio is already final or gone). */
    record Skip() implements StepOutcome {
    }
}
