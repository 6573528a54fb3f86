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
 * {@code application/*}, {@code application/*+json}) or as no valid media type at all is refused with a
 * 415 problem document. Spring's request headers refuse a wildcard with an assertion, and filters that
 * parse the type (the token endpoint's JSON body) would fail on a malformed one: both were 500s.
 */
class BodyContentTypeFilter extends OncePerRequestFilter {

    private final JsonMapper json;

    BodyContentTypeFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        String refusal = contentType == null || !hasBody(request) ? null : refusal(contentType);
        if (refusal != null) {
            Problems.write(response, json, Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type",
                    refusal, request.getRequestURI()));
            return;
        }
        chain.doFilter(request, response);
    }

    /** Only a body is described by the type: a GET or an empty request with a stray header is left alone. */
    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    private static String refusal(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return type.isWildcardType() || type.isWildcardSubtype()
                    ? "The Content-Type must name the body's media type, not a wildcard." : null;
        } catch (InvalidMediaTypeException e) {
            return "The Content-Type is not a valid media type (type/subtype, then ;name=value parameters).";
        }
    }

}
