package org.notesync.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.ContextConfiguration;

/**
 * Runs a test class against the PostgreSQL named by {@code NOTESYNC_TEST_POSTGRES_URL}, in a schema of
 * its own, in a non-UTC session time zone. Without the variable the class is skipped, and says so.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PostgresCondition.class)
@ContextConfiguration(initializers = PostgresInitializer.class)
public @interface OnPostgres {
}
