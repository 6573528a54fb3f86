package org.notesync.web;

import java.util.function.Supplier;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a collection's queries with PostgreSQL's generic plans. A statement with a date bound (such as
 * {@code createdAt[after]}) made PostgreSQL plan it again on every execution, since each date gave a
 * cheaper-looking custom plan: 1.1 ms of planning for a page that then ran in 1.9 ms. The generic plan
 * of those statements walks the same index (docs/PERFORMANCE.md). On H2 the queries just run.
 */
@Component
public class GenericPlans {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final boolean postgres;

    GenericPlans(DataSource dataSource, PlatformTransactionManager transactions) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.transaction = new TransactionTemplate(transactions);
        this.postgres = Databases.isPostgres(dataSource);
    }

    /** Runs the queries in one transaction whose statements use generic plans; the setting ends with it. */
    public <T> T run(Supplier<T> queries) {
        if (!postgres) {
            return queries.get();
        }
        return transaction.execute(tx -> {
            jdbc.execute("SET LOCAL plan_cache_mode = force_generic_plan");
            return queries.get();
        });
    }
}
