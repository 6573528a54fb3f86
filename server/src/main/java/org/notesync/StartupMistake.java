package org.notesync;

/**
 * A setting the server cannot start with, named in the message with what to do about it. Reported by
 * {@link StartupFailures} in a few lines, without the stack trace of the beans that were being created.
 */
public class StartupMistake extends IllegalStateException {

    public StartupMistake(String message) {
        super(message);
    }

    public StartupMistake(String message, Throwable cause) {
        super(message, cause);
    }
}
