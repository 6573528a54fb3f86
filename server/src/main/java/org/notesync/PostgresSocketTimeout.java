package org.notesync;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.stereotype.Component;

/**
 * Bounds how long the server's PostgreSQL connections wait for an answer: pgjdbc's {@code socketTimeout}, set to
 * {@code notesync.db.socket-timeout} (5 min) unless that is 0 or the operator set it, in the URL or the pool's data
 * source properties. Without it a connection whose peer went without a reset (a firewall that dropped its state, a
 * partition) left its statement waiting for ever, and with it the thread that ran it: the note writers, the delivery
 * and pipeline pollers, the scheduled tasks. With it the statement fails, the pool closes the connection and the
 * thread goes on with a new one. The migrations at start are left unbounded: an index build on a large table takes
 * minutes. H2 refuses properties it does not know, and is left alone.
 */
@Component
class PostgresSocketTimeout implements BeanPostProcessor, FlywayConfigurationCustomizer {

    static final String PROPERTY = "socketTimeout";
    static final String SETTING = "notesync.db.socket-timeout";
    private static final Pattern IN_URL = Pattern.compile("[?&]" + PROPERTY + "=", Pattern.CASE_INSENSITIVE);

    private final Duration timeout;
    /** The pools this set the timeout on, whose migrations go without it. */
    private final Set<DataSource> bounded = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    @Autowired
    PostgresSocketTimeout(Environment environment) {
        this(Binder.get(environment).bind(SETTING, Duration.class).orElse(Duration.ZERO));
    }

    PostgresSocketTimeout(Duration timeout) {
        // A value without its unit is milliseconds: 5 for 5m would fail every statement taking a second.
        if (timeout.isNegative() || !timeout.isZero() && timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(SETTING + " (NOTESYNC_DB_SOCKET_TIMEOUT, " + timeout + ") must be 0 "
                    + "(no limit) or at least 1s, such as 5m (a value without a unit is milliseconds).");
        }
        this.timeout = timeout;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && !timeout.isZero() && isPostgres(pool.getJdbcUrl())
                && !IN_URL.matcher(pool.getJdbcUrl()).find()
                && !pool.getDataSourceProperties().containsKey(PROPERTY)) {
            // pgjdbc counts whole seconds; a part of one is rounded up rather than read as "no timeout".
            long seconds = Math.max(1, timeout.plusMillis(999).toSeconds());
            pool.addDataSourceProperty(PROPERTY, Long.toString(seconds));
            bounded.add(pool);
        }
        return bean;
    }

    @Override
    public void customize(FluentConfiguration configuration) {
        DataSource dataSource = configuration.getDataSource();
        if (dataSource != null && bounded.contains(dataSource)) {
            configuration.dataSource(new Unbounded(dataSource));
        }
    }

    private static boolean isPostgres(String url) {
        return url != null && url.startsWith("jdbc:postgresql:");
    }

    /** Hands out the pool's connections without a socket timeout; the pool puts it back when they return. */
    private static final class Unbounded extends DelegatingDataSource {

        Unbounded(DataSource pool) {
            super(pool);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return unbounded(super.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return unbounded(super.getConnection(username, password));
        }

        private static Connection unbounded(Connection connection) throws SQLException {
            try {
                connection.setNetworkTimeout(Runnable::run, 0);
                return connection;
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }
    }
}
