package org.notesync.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The real server on a random loopback port, on an in-memory H2 database shared by every test class
 * of the JVM (tests isolate themselves by creating their own organizations). Add {@link OnPostgres}
 * to run the same class on PostgreSQL.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.address=127.0.0.1",
        "spring.datasource.url=jdbc:h2:mem:notesync-it;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000;DB_CLOSE_DELAY=-1",
        "notesync.data-dir=target/it-data",
        "notesync.secret-key=integration-test-master-key-0123456789",
        "logging.level.org.notesync=info",
        // The feed's fallback scan never runs on its own, so tests see what the commit wake-up numbers.
        "notesync.feed.sequencer-interval=1h",
        // Nor does the look for abandoned recoveries: tests take them over by calling it.
        "notesync.webhooks.recovery-interval=1h"
})
public @interface ServerTest {
}
