package org.notesync.identity;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.notesync.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sign-in form's credentials are read from its body only. Spring's form login reads request parameters,
 * which take the query string too, so {@code POST /login?username=...&password=...} signed a clinician in with
 * a password in the URL, where proxies and access logs keep it. Refused with a 400 instead, before any check.
 */
final class LoginFormBody extends OncePerRequestFilter {

    private final JsonMapper json;

    LoginFormBody(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || request.getQueryString() == null
                || !"/login".equals(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var query = UriComponentsBuilder.newInstance().query(request.getQueryString()).build().getQueryParams();
        if (query.containsKey("username") || query.containsKey("password")) {
            Problems.write(response, json, Problems.of(HttpStatus.BAD_REQUEST, "Bad Request", "The sign-in form's "
                    + "username and password are read from the request body (a form), not the URL, where they would "
                    + "be logged.", request.getRequestURI()));
            return;
        }
        chain.doFilter(request, response);
    }
}
