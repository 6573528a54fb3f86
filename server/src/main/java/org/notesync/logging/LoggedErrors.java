package org.notesync.logging;

/**
 * Exceptions as they may be logged: types and stacks, no messages. Database errors carry the values of the
 * failing row in their messages (PostgreSQL's "Key (...)=(...)", H2's VALUES), parsing errors the text they
 * could not parse; a patient's data and a note's content never go to a log.
 */
public final class LoggedErrors {

    private LoggedErrors() {
    }

    /** A copy of the exception and its causes, each with its type instead of its message, stacks kept. */
    public static Throwable withoutMessages(Throwable e) {
        return copy(e, 0);
    }

    /**
     * One line for a warning that is retried and should not fill the log with stacks: the exception's type
     * and its causes' types, outermost first, such as
     * {@code CannotGetJdbcConnectionException < SQLTransientConnectionException < ConnectException}.
     */
    public static String summary(Throwable e) {
        StringBuilder line = new StringBuilder(e.getClass().getSimpleName());
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && cause != e && depth < 20; depth++) {
            line.append(" < ").append(cause.getClass().getSimpleName());
            e = cause;
            cause = e.getCause();
        }
        return line.toString();
    }

    private static Throwable copy(Throwable e, int depth) {
        Throwable cause = e.getCause();
        Throwable copy = new Redacted(e.getClass().getName(),
                cause == null || cause == e || depth >= 20 ? null : copy(cause, depth + 1));
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    /** Stands for a logged exception whose message was left out. */
    static final class Redacted extends RuntimeException {
        Redacted(String type, Throwable cause) {
            super(type + " (message not logged)", cause, false, true);
        }
    }
}
