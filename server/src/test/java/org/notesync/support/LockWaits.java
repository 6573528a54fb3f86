package org.notesync.support;

import javax.sql.DataSource;

import org.notesync.web.Databases;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Whether a session of this test's database is waiting for a row lock, in either database's catalog. */
public final class LockWaits {

    private LockWaits() {
    }

    /** True while some statement starting with {@code statementPrefix} waits for a lock another session holds. */
    public static boolean waiting(JdbcClient jdbc, DataSource dataSource, String statementPrefix) {
        String waiting = Databases.isPostgres(dataSource)
                ? """
                  SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()
                  AND wait_event_type = 'Lock' AND query LIKE :prefix"""
                : """
                  SELECT COUNT(*) FROM information_schema.sessions WHERE blocker_id IS NOT NULL
                  AND executing_statement LIKE :prefix""";
        return jdbc.sql(waiting).param("prefix", statementPrefix + "%").query(Long.class).single() > 0;
    }
}
