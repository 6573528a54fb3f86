package org.notesync.identity;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.notesync.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A NUL character in a parameter of the pages a browser opens (the authorization endpoint, the login, activation
 * and consent pages) is a 400 problem document naming the parameter. Spring's lookups of a client id, user code or
 * state handed it to PostgreSQL, which cannot store it in text: a 500. The token endpoints answer the same in
 * OAuth's own error format ({@link TokenRequestFilter}); the API's parameters are checked where they are read.
 */
final class NulParameters extends OncePerRequestFilter {

    private final JsonMapper json;

    NulParameters(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String name = withNul(request.getParameterMap());
        if (name == null) {
            chain.doFilter(request, response);
            return;
        }
        Problems.write(response, json, Problems.of(HttpStatus.BAD_REQUEST, "Bad Request", description(name),
                request.getRequestURI()));
    }

    /** The name of the first parameter with a NUL in its name or a value, or null. */
    static String withNul(Map<String, String[]> parameters) {
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            boolean nul = parameter.getKey().indexOf('\0') >= 0;
            for (String value : parameter.getValue()) {
                nul |= value != null && value.indexOf('\0') >= 0;
            }
            if (nul) {
                return parameter.getKey().replace('\0', '?');
            }
        }
        return null;
    }

    static String description(String name) {
        return "The parameter " + name + " contains a NUL character (%00, \\u0000), which none of this endpoint's "
                + "parameters may hold.";
    }
}
