package org.notesync.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.notesync.logging.LoggedErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * An exception that escapes the filters (Spring Security's authorization server runs its endpoints in filters, out of
 * reach of {@link ProblemHandler}) is logged as the handler logs one, with types and stacks and no messages, and
 * answered 500 through the error page. Tomcat logged it whole: a database error's message carries the failing
 * row's values, a clinician's email among them. The one exception Tomcat's error page answers for itself, a request's
 * undecodable parameters read by a filter (a 400), goes on to it.
 */
final class UnexpectedErrors extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(UnexpectedErrors.class);

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException | ServletException e) {
            if (causedBy(e, InvalidParameterException.class)) {
                throw e;
            }
            log.error("Unhandled error on {} {}", request.getMethod(), request.getRequestURI(),
                    LoggedErrors.withoutMessages(e));
            if (response.isCommitted()) {
                return;
            }
            response.resetBuffer();
            response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (int depth = 0; e != null && depth < 20; depth++, e = e.getCause()) {
            if (type.isInstance(e)) {
                return true;
            }
        }
        return false;
    }
}
