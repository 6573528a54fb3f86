package org.notesync.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The actuator answers a health component it does not have ({@code /actuator/health/db}) with a 404 and no
 * body. Sent as an error instead, it gets the problem document every other unknown path gets ({@link ErrorPages}).
 */
class HealthComponentNotFound extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/actuator/health/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, new HttpServletResponseWrapper(response) {
            @Override
            public void setStatus(int status) {
                if (status == HttpServletResponse.SC_NOT_FOUND && !isCommitted()) {
                    try {
                        sendError(status);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return;
                }
                super.setStatus(status);
            }
        });
    }
}
