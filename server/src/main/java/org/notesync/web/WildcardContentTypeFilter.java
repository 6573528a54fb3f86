package org.notesync.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request body's Content-Type names what the body is, so a body sent as a wildcard ({@code *}{@code /*},
 * {@code application/*}, {@code application/*+json}) is refused with a 415 problem document. Spring's
 * request headers refuse such a type with an assertion, which would otherwise surface as a 500 wherever
 * an endpoint reads its body without a declared media type.
 */
class WildcardContentTypeFilter extends OncePerRequestFilter {

    private final JsonMapper json;

    WildcardContentTypeFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        if (contentType != null && hasBody(request) && isWildcard(contentType)) {
            Problems.write(response, json, Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type",
                    "The Content-Type must name the body's media type, not a wildcard.", request.getRequestURI()));
            return;
        }
        chain.doFilter(request, response);
    }

    /** Only a body is described by the type: a GET or an empty request with a stray header is left alone. */
    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    private static boolean isWildcard(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return type.isWildcardType() || type.isWildcardSubtype();
        } catch (InvalidMediaTypeException e) {
            return false; // Spring answers an unparseable type itself (415)
        }
    }
}
