package org.notesync.web;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Where the collections ({@code GET /notes}, {@code /patients}, {@code /audios}) count and read their
 * pages. On PostgreSQL that is a connection pool of its own, copied from the main one, whose connections
 * plan with generic plans and refuse writes. A statement with a date bound (such as
 * {@code createdAt[after]}) was planned again on every execution, each date making a custom plan look
 * cheaper; the generic plan walks the same index. Setting that per request took a transaction and two
 * more round trips, a fifth of a {@code GET /notes}'s server time (docs/PERFORMANCE.md). The pool starts
 * with the server, keeps two connections and grows under load. On H2, with a pool other than HikariCP, or
 * with a list pool size of 0, the collections read through the main pool, with PostgreSQL's default plans.
 */
@Component
public class ListReads implements DisposableBean {

    static final String POOL_NAME = "notesync-lists";

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final HikariDataSource pool;

    @Autowired
    ListReads(DataSource dataSource, ObjectProvider<MeterRegistry> meters, ListPoolProperties properties) {
        this(dataSource, meters, properties.listPoolSize());
    }

    ListReads(DataSource dataSource, ObjectProvider<MeterRegistry> meters, int poolSize) {
        if (poolSize > 0 && dataSource instanceof HikariDataSource main && Databases.isPostgres(dataSource)) {
            HikariConfig config = new HikariConfig();
            main.copyStateTo(config);
            config.setPoolName(POOL_NAME);
            config.setMaximumPoolSize(poolSize);
            config.setMinimumIdle(Math.min(2, poolSize));
            // A line break ends a trailing "--" comment of the main pool's statement before ours.
            String init = main.getConnectionInitSql() == null ? "" : main.getConnectionInitSql() + "\n;\n";
            config.setConnectionInitSql(init
                    + "SET plan_cache_mode = force_generic_plan; SET default_transaction_read_only = on");
            meters.ifAvailable(registry -> config.setMetricsTrackerFactory(
                    new MicrometerMetricsTrackerFactory(registry)));
            // Started now, as the main pool was: a setting or connection limit that fails shows at start.
            pool = new HikariDataSource(config);
            this.dataSource = pool;
            jdbc = JdbcClient.create(pool);
        } else {
            pool = null;
            this.dataSource = dataSource;
            jdbc = JdbcClient.create(dataSource);
        }
    }

    /**
     * One page of a collection and the count of all its matches: {@code count} and {@code select} are
     * the statements up to their {@code WHERE}, which {@code where} completes; {@code select} is sorted by
     * {@code orderBy}. The page is read first: when it has rows but fewer than a page, or is an empty first
     * page, it ends the collection and gives the count, so the count runs only for a full page, an empty
     * page after the last one, or a page size of 0. Polling for what is new (a date filter with few or
     * no matches) takes one statement.
     */
    public <T> Page<T> page(String count, String select, SqlWhere where, String orderBy, RowMapper<T> rows,
            int page, int itemsPerPage) {
        long offset = (long) (page - 1) * itemsPerPage;
        List<T> items = List.of();
        if (itemsPerPage > 0) {
            Map<String, Object> parameters = new HashMap<>(where.parameters());
            parameters.put("limit", itemsPerPage);
            parameters.put("offset", offset);
            items = jdbc.sql(select + " WHERE " + where.sql() + " ORDER BY " + orderBy
                    + " LIMIT :limit OFFSET :offset").params(parameters).query(rows).list();
            if (items.size() < itemsPerPage && (!items.isEmpty() || offset == 0)) {
                return new Page<>(items, offset + items.size(), page, itemsPerPage);
            }
        }
        long total = jdbc.sql(count + " WHERE " + where.sql()).params(where.parameters()).query(Long.class).single();
        // The count is a statement of its own: rows deleted in between must not make it less than the rows shown.
        return new Page<>(items, items.isEmpty() ? total : Math.max(total, offset + items.size()), page, itemsPerPage);
    }

    DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void destroy() {
        if (pool != null) {
            pool.close();
        }
    }
}
