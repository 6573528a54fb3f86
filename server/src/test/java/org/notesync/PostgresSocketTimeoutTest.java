package org.notesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

class PostgresSocketTimeoutTest {

    private final PostgresSocketTimeout fiveMinutes = new PostgresSocketTimeout(Duration.ofMinutes(5));

    @Test
    void aPostgresPoolWaitsAtMostTheTimeoutForAnAnswer() {
        HikariDataSource pool = pool("jdbc:postgresql://db:5432/notesync");

        fiveMinutes.postProcessBeforeInitialization(pool, "dataSource");

        assertThat(pool.getDataSourceProperties()).containsEntry("socketTimeout", "300");
    }

    @Test
    void aPartOfASecondIsRoundedUpRatherThanReadAsNoTimeout() {
        HikariDataSource pool = pool("jdbc:postgresql://db:5432/notesync");

        new PostgresSocketTimeout(Duration.ofMillis(1500)).postProcessBeforeInitialization(pool, "dataSource");

        assertThat(pool.getDataSourceProperties()).containsEntry("socketTimeout", "2");
    }

    @Test
    void aValueWithoutItsUnitIsRefusedByName() {
        assertThatThrownBy(() -> new PostgresSocketTimeout(Duration.ofMillis(5)))
                .hasMessageContaining("NOTESYNC_DB_SOCKET_TIMEOUT").hasMessageContaining("without a unit");
        assertThatThrownBy(() -> new PostgresSocketTimeout(Duration.ofMinutes(-1)))
                .hasMessageContaining("NOTESYNC_DB_SOCKET_TIMEOUT");
    }

    @Test
    void whatTheOperatorSetIsKept() {
        HikariDataSource inUrl = pool("jdbc:postgresql://db:5432/notesync?ssl=true&socketTimeout=30");
        HikariDataSource inProperties = pool("jdbc:postgresql://db:5432/notesync");
        inProperties.addDataSourceProperty("socketTimeout", "45");
        HikariDataSource none = pool("jdbc:postgresql://db:5432/notesync");

        fiveMinutes.postProcessBeforeInitialization(inUrl, "dataSource");
        fiveMinutes.postProcessBeforeInitialization(inProperties, "dataSource");
        new PostgresSocketTimeout(Duration.ZERO).postProcessBeforeInitialization(none, "dataSource");

        assertThat(inUrl.getDataSourceProperties()).doesNotContainKey("socketTimeout");
        assertThat(inProperties.getDataSourceProperties()).containsEntry("socketTimeout", "45");
        assertThat(none.getDataSourceProperties()).doesNotContainKey("socketTimeout");
    }

    @Test
    void h2GetsNothingAndStillConnects() throws Exception {
        // H2 refuses a connection property it does not know.
        try (HikariDataSource pool = pool("jdbc:h2:mem:socket-timeout;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE")) {
            fiveMinutes.postProcessBeforeInitialization(pool, "dataSource");

            assertThat(pool.getDataSourceProperties()).isEmpty();
            try (Connection connection = pool.getConnection()) {
                assertThat(connection.isValid(1)).isTrue();
            }
        }
    }

    private static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername("sa");
        pool.setMaximumPoolSize(1);
        return pool;
    }
}
