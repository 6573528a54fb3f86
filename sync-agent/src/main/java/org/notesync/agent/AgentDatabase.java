package org.notesync.agent;

import java.sql.Connection;
import java.sql.SQLException;
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
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.jdbcUser());
        hikari.setPassword(config.jdbcPassword());
        hikari.setMaximumPoolSize(4);
        // A webhook must be answered within 5 s: a database that cannot give a connection sooner is a 503.
        hikari.setConnectionTimeout(3000);
        hikari.setPoolName("notesync-agent");
        HikariDataSource dataSource = new HikariDataSource(hikari);
        try {
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
