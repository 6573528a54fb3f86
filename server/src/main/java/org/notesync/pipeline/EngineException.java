package org.notesync.pipeline;

/**
 * An engine could not do its work. The reason is shown to integrators as the audio's failure reason, so
 * it is written by us and never carries a transcript, a model's output or a server's answer.
 */
final class EngineException extends Exception {

    private final boolean retryable;

    private EngineException(String reason, boolean retryable, Throwable cause) {
        super(reason, cause);
        this.retryable = retryable;
    }

    /** Worth another try later: a timeout, a 5xx, a 429, a refused connection. */
    static EngineException retryable(String reason) {
        return new EngineException(reason, true, null);
    }

    static EngineException retryable(String reason, Throwable cause) {
        return new EngineException(reason, true, cause);
    }

    /** Will fail the same way however often it is tried. */
    static EngineException permanent(String reason) {
        return new EngineException(reason, false, null);
    }

    static EngineException permanent(String reason, Throwable cause) {
        return new EngineException(reason, false, cause);
    }

    boolean retryable() {
        return retryable;
    }

    String reason() {
        return getMessage();
    }
}
