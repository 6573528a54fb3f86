package org.notesync.delivery;

import java.time.Duration;

/** What came back from one HTTP request to a receiver. */
public sealed interface SendResult {

    /**
     * The receiver answered.
     *
     * @param excerpt    the start of the response body, at most 1 KiB, for the delivery log
     * @param retryAfter the Retry-After header, when present and readable
     */
    record Answered(int status, String excerpt, Duration retryAfter) implements SendResult {
        public boolean successful() {
            return status >= 200 && status < 300;
        }
    }

    /** No HTTP answer: timeout, connection, TLS or policy failure. */
    record NotAnswered(ErrorKind kind) implements SendResult {
    }
}
