package org.notesync.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

class LoggedErrorsTest {

    @Test
    void aSummaryNamesTheTypesOfTheChainAndNoMessage() {
        Exception e = new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                new SQLException("Connection to 127.0.0.1:5432 refused", new ConnectException("Connection refused")));

        assertThat(LoggedErrors.summary(e))
                .isEqualTo("CannotGetJdbcConnectionException < SQLException < ConnectException");
    }

    @Test
    void aSummaryLeavesOutTheRowValuesADatabaseErrorCarries() {
        Exception e = new DataIntegrityViolationException("INSERT failed",
                new SQLException("Detail: Key (last_name)=(Doe) already exists."));

        assertThat(LoggedErrors.summary(e)).isEqualTo("DataIntegrityViolationException < SQLException")
                .doesNotContain("Doe");
    }
}
