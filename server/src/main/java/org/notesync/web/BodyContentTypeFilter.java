package org.notesync.web;

import java.io.IOException;
import java.util.Collections;

import java.util.regex.Pattern;


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
 * parse the type (the token endpoint's JSON body) would fail on a malformed one: both were 500s. Bodies are
 * read as sent, so a body with a Content-Encoding (gzip, deflate, br) is a 415 too, answered with
 * {@code Accept-Encoding: identity} (RFC 9110, 15.5.16), rather than a 400 calling the compressed bytes
 * malformed JSON.
 */
class BodyContentTypeFilter extends OncePerRequestFilter {

    private final JsonMapper json;

    BodyContentTypeFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (hasBody(request) && encoded(request)) {
            response.setHeader("Accept-Encoding", "identity");
            Problems.write(response, json, Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type",
                    "Request bodies are read uncompressed: send this one without a Content-Encoding.",
                    request.getRequestURI()));
            return;
        }
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

    /** Whether any Content-Encoding header names a coding other than identity. */
    private static boolean encoded(HttpServletRequest request) {
        for (String header : Collections.list(request.getHeaders("Content-Encoding"))) {
            for (String coding : header.split(",")) {
                if (!coding.isBlank() && !coding.trim().equalsIgnoreCase("identity")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static final Pattern UNKNOWN_CHARSET = Pattern.compile(";\\s*charset\\s*=", Pattern.CASE_INSENSITIVE);

    /** Whether the media type parses once its charset parameter is taken out: the charset was what failed. */
    private static boolean validWithoutCharset(String contentType) {
        try {
            MediaType.parseMediaType(contentType.replaceAll("(?i);\\s*charset\\s*=\\s*(\"[^\"]*\"|[^;]*)", ""));
            return true;
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static String refusal(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return type.isWildcardType() || type.isWildcardSubtype()
                    ? "The Content-Type must name the body's media type, not a wildcard." : null;
        } catch (InvalidMediaTypeException e) {
            if (UNKNOWN_CHARSET.matcher(contentType).find() && validWithoutCharset(contentType)) {
                return "The Content-Type's charset is not one this server knows: send the body as UTF-8, and say "
                        + "charset=UTF-8 or no charset.";
            }
            return "The Content-Type is not a valid media type (type/subtype, then ;name=value parameters).";
        }
    }

}
