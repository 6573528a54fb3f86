package org.notesync.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

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
            if (mustExist && !hasRun(dataSource)) {
                throw new IllegalStateException("no agent has used this database yet (a relative path is read "
                        + "from the current directory: give jdbc-url an absolute one)");
            }
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:org/notesync/agent/migration")
                    .table("agent_schema_history")
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new AgentDatabase(dataSource);
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** An H2 file URL ({@code jdbc:h2:file:./agent-data/x;...}) whose {@code .mv.db} file is not there. */
    private static boolean missingH2File(String url) {
        String prefix = "jdbc:h2:file:";
        if (!url.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        String path = url.substring(prefix.length()).split(";", 2)[0];
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return !Files.exists(Path.of(path + ".mv.db"));
    }

    private static boolean hasRun(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"agent_schema_history\"")) {
            return rs.next();
        } catch (SQLException e) {
            return false;
        }
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
