package org.notesync.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.notesync.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import tools.jackson.databind.json.JsonMapper;

/**
 * An OAuth 2 endpoint called by a program that did not authenticate as a client: the RFC 6749
 * {@code invalid_client} error, where Spring's default would redirect to the login page.
 */
class InvalidClientEntryPoint implements AuthenticationEntryPoint {

    /** The endpoints a browser opens, where what is missing is the clinician's sign-in, not a client's. */
    private final Set<String> browserPaths;
    private final JsonMapper json;

    InvalidClientEntryPoint(Set<String> browserPaths, JsonMapper json) {
        this.browserPaths = browserPaths;
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (browserPaths.contains(request.getRequestURI())) {
            // Told "client authentication is required", a developer trying the flow with curl looked for a secret.
            // A 401 carries a challenge (RFC 9110, 11.6.1): the sign-in here is a form, named as such.
            response.setHeader("WWW-Authenticate", "Form realm=\"notesync\", login=\"/login\"");
            Problems.write(response, json, Problems.of(HttpStatus.UNAUTHORIZED, "Unauthorized", "This endpoint is "
                    + "opened in the clinician's browser, which it sends to sign in at /login when it asks for HTML "
                    + "(Accept: text/html); no client credentials are sent here.", request.getRequestURI()));
            return;
        }
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setHeader("WWW-Authenticate", "Basic realm=\"oauth2\"");
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        // UTF-8 bytes with no charset parameter, as JSON is (RFC 8259); a writer would say ISO-8859-1.
        response.getOutputStream().write(("{\"error\":\"invalid_client\",\"error_description\":"
                + "\"Client authentication is required: HTTP Basic with the client's id and secret, or client_id "
                + "alone for a public client, which it may send with a code_verifier (authorization code) or a "
                + "device_code.\"}").getBytes(StandardCharsets.UTF_8));
    }
}
