package org.notesync;

import java.sql.SQLException;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * What an operator gets wrong at start, said in a few lines ("APPLICATION FAILED TO START") instead of the
 * 100 to 200 lines of stack trace through every bean that was being created: a {@link StartupMistake}, and a
 * database the server cannot reach or log in to. Registered in {@code META-INF/spring.factories}.
 */
class StartupFailures implements FailureAnalyzer {

    /** SQLSTATE classes of a database that is not there for us: connection exception, authorization, catalog. */
    private static final String[] UNREACHABLE = {"08", "28", "3D"};

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof StartupMistake mistake) {
                return new FailureAnalysis(mistake.getMessage(), "Correct that setting and start the server again.",
                        failure);
            }
            if (cause instanceof SQLException sql && unreachable(sql.getSQLState())) {
                // The driver's message names the host, port, database or user, never the password.
                return new FailureAnalysis("Cannot connect to the database: " + sql.getMessage(),
                        "Check NOTESYNC_DB_URL (jdbc:postgresql://host:5432/db), NOTESYNC_DB_USER and "
                                + "NOTESYNC_DB_PASSWORD, and that the database server is running and reachable.",
                        failure);
            }
        }
        return null;
    }

    private static boolean unreachable(String state) {
        if (state == null) {
            return false;
        }
        for (String prefix : UNREACHABLE) {
            if (state.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
