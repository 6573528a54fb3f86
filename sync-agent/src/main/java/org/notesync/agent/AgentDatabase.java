package org.notesync.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/**
 * The agent's JDBC database (H2 file by default, PostgreSQL by configuration) with its own schema, migrated
 * by Flyway from its own folder and history table, so it can live beside the practice system's tables.
 */
final class AgentDatabase implements AutoCloseable {

    private final HikariDataSource dataSource;

    private AgentDatabase(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    static AgentDatabase open(AgentConfig config) {
        return open(config, false);
    }

    /**
     * The database of an agent that has run: what the status command reads. A path resolved from another
     * directory would otherwise create an empty database there and report zeros as if all were well.
     */
    static AgentDatabase openExisting(AgentConfig config) {
        return open(config, true);
    }

    private static AgentDatabase open(AgentConfig config, boolean mustExist) {
        String url = config.jdbcUrl();
        if (mustExist && missingH2File(url)) {
            // H2 would create an empty one on connect.
            throw new IllegalStateException("no agent database there (a relative path is read from the current "
                    + "directory: give jdbc-url an absolute one)");
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(url);
        hikari.setUsername(config.jdbcUser());
        hikari.setPassword(config.jdbcPassword());
        hikari.setMaximumPoolSize(4);
        // A webhook must be answered within 5 s: a database that cannot give a connection sooner is a 503.
        hikari.setConnectionTimeout(3000);
        hikari.setPoolName("notesync-agent");
        HikariDataSource dataSource = new HikariDataSource(hikari);
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:org/notesync/agent/migration")
                    .table("agent_schema_history")
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load();
            // Asked of Flyway, in the schema it would migrate: a history elsewhere on the search path is not this one.
            if (mustExist && flyway.info().applied().length == 0) {
                throw new IllegalStateException("no agent has used this database yet"
                        + (h2Embedded(url) ? " (a relative path is read from the current directory: give jdbc-url "
                        + "an absolute one)" : ""));
            }
            // The status command too brings the agent's own tables to this version's schema (new columns).
            flyway.migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new AgentDatabase(dataSource);
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** An embedded H2 URL: a file, with or without {@code file:} ({@code jdbc:h2:./x}, {@code jdbc:h2:~/x}). */
    private static boolean h2Embedded(String url) {
        String prefix = "jdbc:h2:";
        if (!url.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        String rest = url.substring(prefix.length()).toLowerCase(Locale.ROOT);
        return !(rest.startsWith("mem:") || rest.startsWith("tcp:") || rest.startsWith("ssl:")
                || rest.startsWith("zip:"));
    }

    /** An embedded H2 URL whose {@code .mv.db} file is not there, which H2 would create on connect. */
    private static boolean missingH2File(String url) {
        if (!h2Embedded(url)) {
            return false;
        }
        String path = url.substring("jdbc:h2:".length()).split(";", 2)[0];
        if (path.regionMatches(true, 0, "file:", 0, 5)) {
            path = path.substring(5);
        } else if (path.regionMatches(true, 0, "nio:", 0, 4) || path.regionMatches(true, 0, "split:", 0, 6)) {
            path = path.substring(path.indexOf(':') + 1);
        }
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return !Files.exists(Path.of(path + ".mv.db"));
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    <T> T inTransaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    @Override
    public void close() {
        dataSource.close();
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    static final class DatabaseException extends RuntimeException {
        DatabaseException(SQLException cause) {
            // The SQL state and class only: a driver message may quote the note's content.
            super("Database error " + cause.getSQLState() + " (" + cause.getClass().getSimpleName() + ")", cause);
        }
    }
}
