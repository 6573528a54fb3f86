package org.notesync.support;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Skips PostgreSQL tests, visibly, when no PostgreSQL is configured. */
public class PostgresCondition implements ExecutionCondition {

    public static final String VARIABLE = "NOTESYNC_TEST_POSTGRES_URL";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (url() != null) {
            return ConditionEvaluationResult.enabled(VARIABLE + " is set");
        }
        String message = "SKIPPED " + context.getDisplayName() + ": " + VARIABLE
                + " is not set, so the PostgreSQL tests do not run (.ci/run sets it).";
        System.err.println(message);
        return ConditionEvaluationResult.disabled(message);
    }

    static String url() {
        String url = System.getenv(VARIABLE);
        return url == null || url.isBlank() ? null : url;
    }
}
