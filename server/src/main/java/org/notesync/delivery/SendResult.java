package org.notesync.delivery;

import java.time.Duration;

/** What came back from one HTTP request to a receiver. */
public sealed interface SendResult {

    /**
     * The receiver answered.
     *
     * @param excerpt    the start of the response body, at most 1 KiB, for the delivery log
     * @param retryAfter the Retry-After header, when present and readable
     * @param cut        whether the body went on past the excerpt
     */
    record Answered(int status, String excerpt, Duration retryAfter, boolean cut) implements SendResult {

        /** An answer whose body, if any, is whole in the excerpt. */
        public Answered(int status, String excerpt, Duration retryAfter) {
            this(status, excerpt, retryAfter, false);
        }

        public boolean successful() {
            return status >= 200 && status < 300;
        }
    }

    /** No HTTP answer: timeout, connection, TLS or policy failure. */
    record NotAnswered(ErrorKind kind) implements SendResult {
    }
}
