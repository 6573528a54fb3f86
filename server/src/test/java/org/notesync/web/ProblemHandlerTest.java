package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;

import org.notesync.logging.LoggedErrors;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.method.annotation.ExceptionHandlerMethodResolver;

class ProblemHandlerTest {

    private final ProblemHandler handler = new ProblemHandler("");
    private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/notes");

    @Test
    void aLostDatabaseIsA503ToRetryNotA500() {
        for (Exception e : new Exception[] {
                new DataAccessResourceFailureException("FATAL: terminating connection due to administrator command"),
                new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection", new SQLException("refused")),
                new CannotCreateTransactionException("Could not open JDBC Connection for transaction")}) {
            ResponseEntity<ProblemDetail> response = handler.databaseUnavailable(e, request);
            assertThat(response.getStatusCode().value()).as(e.getClass().getSimpleName()).isEqualTo(503);
            assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
            assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(response.getBody().getDetail()).isEqualTo("The database is unavailable. Retry in a few seconds.")
                    .doesNotContain("FATAL", "JDBC");
        }
    }

    @Test
    void aLockNotGrantedInTimeIsA503ToRetryNotA500() throws Exception {
        ExceptionHandlerMethodResolver resolver = new ExceptionHandlerMethodResolver(ProblemHandler.class);
        for (Exception e : new Exception[] {
                new QueryTimeoutException("Timeout trying to lock table IDEMPOTENCY_KEYS", new SQLException("x", "HYT00")),
                new CannotAcquireLockException("ERROR: canceling statement due to lock timeout"),
                new PessimisticLockingFailureException("ERROR: deadlock detected")}) {
            assertThat(resolver.resolveMethod(e).getName()).as(e.getClass().getSimpleName()).isEqualTo("databaseBusy");
            ResponseEntity<ProblemDetail> response = handler.databaseBusy(e, request);
            assertThat(response.getStatusCode().value()).isEqualTo(503);
            assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
            assertThat(response.getBody().getDetail()).doesNotContain("lock", "IDEMPOTENCY");
        }
    }

    @Test
    void aRollbackThatFailedOnALostConnectionIsA503AndAnyOtherA500() {
        TransactionSystemException lost = new TransactionSystemException("JDBC rollback failed",
                new SQLException("This connection has been closed.", "08003"));
        assertThat(handler.transactionFailed(lost, request).getStatusCode().value()).isEqualTo(503);
        TransactionSystemException shutdown = new TransactionSystemException("JDBC commit failed",
                new SQLException("terminating connection due to administrator command", "57P01"));
        assertThat(handler.transactionFailed(shutdown, request).getStatusCode().value()).isEqualTo(503);
        TransactionSystemException other = new TransactionSystemException("JDBC commit failed",
                new SQLException("could not serialize access", "40001"));
        assertThat(handler.transactionFailed(other, request).getStatusCode().value()).isEqualTo(500);
    }

    @Test
    void aValidationProblemListsAHundredViolationsAtMostAndSaysHowManyMore() {
        java.util.List<Violation> violations = java.util.stream.IntStream.range(0, 250)
                .mapToObj(i -> new Violation("items[" + i + "]", "This value should be of type string.",
                        Violation.INVALID_TYPE)).toList();
        ProblemDetail problem = ProblemHandler.unprocessable(violations, "/things");
        assertThat((java.util.List<?>) problem.getProperties().get("violations")).hasSize(100);
        assertThat(problem.getDetail().lines()).hasSize(101).endsWith("(and 150 more violations, not listed)");
        assertThat(((java.util.List<?>) ProblemHandler.unprocessable(violations.subList(0, 100), "/things")
                .getProperties().get("violations"))).hasSize(100);
        assertThat(ProblemHandler.unprocessable(violations.subList(0, 100), "/things").getDetail())
                .doesNotContain("more violations");
    }

    @Test
    void anUnexpectedErrorIsLoggedWithoutAnyMessage() {
        SQLException sql = new SQLException("ERROR: duplicate key value violates unique constraint\n"
                + "  Detail: Key (organization_id, external_id)=(o, PMS-1042) already exists.", "23505");
        Exception e = new DuplicateKeyException("PreparedStatementCallback; " + sql.getMessage(), sql);
        Throwable logged = LoggedErrors.withoutMessages(e);

        StringWriter text = new StringWriter();
        logged.printStackTrace(new PrintWriter(text));
        assertThat(text.toString()).doesNotContain("PMS-1042", "Detail")
                .contains("org.springframework.dao.DuplicateKeyException", "java.sql.SQLException");
        assertThat(logged.getStackTrace()).isEqualTo(e.getStackTrace());
        assertThat(logged.getCause().getStackTrace()).isEqualTo(sql.getStackTrace());
    }

    @Test
    void theHandlerIsChosenForTheDatabaseExceptions() throws Exception {
        for (Class<?> type : new Class<?>[] {DataAccessResourceFailureException.class,
                CannotGetJdbcConnectionException.class, CannotCreateTransactionException.class}) {
            ExceptionHandlerMethodResolver resolver = new ExceptionHandlerMethodResolver(ProblemHandler.class);
            Exception instance = (Exception) type.getConstructor(String.class).newInstance("x");
            assertThat(resolver.resolveMethod(instance).getName()).as(type.getSimpleName())
                    .isEqualTo("databaseUnavailable");
        }
    }
}
