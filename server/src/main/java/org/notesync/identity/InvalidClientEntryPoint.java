package org.notesync.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * An OAuth 2 endpoint called by a program that did not authenticate as a client: the RFC 6749
 * {@code invalid_client} error, where Spring's default would redirect to the login page.
 */
class InvalidClientEntryPoint implements AuthenticationEntryPoint {

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setHeader("WWW-Authenticate", "Basic realm=\"oauth2\"");
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        // UTF-8 bytes with no charset parameter, as JSON is (RFC 8259); a writer would say ISO-8859-1.
        response.getOutputStream().write(("{\"error\":\"invalid_client\",\"error_description\":"
                + "\"Client authentication is required: HTTP Basic with the client's id and secret, or client_id "
                + "alone for a public client.\"}").getBytes(StandardCharsets.UTF_8));
    }
}
