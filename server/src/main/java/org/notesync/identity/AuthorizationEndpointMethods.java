package org.notesync.identity;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.notesync.web.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.CacheControlHeadersWriter;
import org.springframework.security.web.header.writers.HstsHeaderWriter;
import org.springframework.security.web.header.writers.XContentTypeOptionsHeaderWriter;
import org.springframework.security.web.header.writers.XXssProtectionHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The methods the authorization server's endpoints take. Spring Security matches each endpoint by path and
 * method, so any other method fell through to the API's chain and came back as a 401 asking for a bearer
 * token: {@code GET /oauth2/token} with a client's credentials was told to send them to POST /oauth2/token,
 * the method it had not used. Here such a request is a 405 with an Allow header, OPTIONS says what is
 * allowed, and HEAD is answered as GET without its body, as everywhere else.
 */
class AuthorizationEndpointMethods extends OncePerRequestFilter {

    private static final List<String> READ = List.of("GET", "HEAD", "OPTIONS");
    private static final List<String> SUBMIT = List.of("POST", "OPTIONS");
    private static final List<String> PAGE = List.of("GET", "HEAD", "POST", "OPTIONS");

    /** The headers Spring Security writes on every answer by default (HSTS on HTTPS only). */
    static final List<HeaderWriter> SECURITY_HEADERS = List.of(new XContentTypeOptionsHeaderWriter(),
            new XXssProtectionHeaderWriter(), new CacheControlHeadersWriter(), new HstsHeaderWriter(),
            new XFrameOptionsHeaderWriter(XFrameOptionsHeaderWriter.XFrameOptionsMode.DENY));

    private final Map<String, List<String>> allowed;
    private final JsonMapper json;

    AuthorizationEndpointMethods(AuthorizationServerSettings settings, JsonMapper json) {
        this.allowed = Map.of(
                settings.getTokenEndpoint(), SUBMIT,
                settings.getTokenIntrospectionEndpoint(), SUBMIT,
                settings.getTokenRevocationEndpoint(), SUBMIT,
                settings.getDeviceAuthorizationEndpoint(), SUBMIT,
                settings.getJwkSetEndpoint(), READ,
                "/.well-known/oauth-authorization-server", READ,
                settings.getAuthorizationEndpoint(), PAGE,
                settings.getDeviceVerificationEndpoint(), PAGE);
        this.json = json;
    }

    /** The paths this filter answers for, to register it on. */
    String[] paths() {
        return allowed.keySet().toArray(String[]::new);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // Decoded, as the endpoints' own matchers read it: /oauth2/%74oken is /oauth2/token.
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        // A path that is not written plainly (/oauth2/./token) is the firewall's to refuse.
        List<String> methods = plain(request.getRequestURI()) ? allowed.get(path) : null;
        String method = request.getMethod();
        if (methods == null || methods.contains(method) && !"HEAD".equals(method) && !"OPTIONS".equals(method)) {
            chain.doFilter(request, response);
            return;
        }
        String allow = String.join(", ", methods);
        // Answered before Spring Security's chain: its default headers are written here.
        for (HeaderWriter writer : SECURITY_HEADERS) {
            writer.writeHeaders(request, response);
        }
        if ("OPTIONS".equals(method)) {
            response.setHeader(HttpHeaders.ALLOW, allow);
            response.setStatus(HttpStatus.OK.value());
            return;
        }
        if ("HEAD".equals(method) && methods.contains(method)) {
            // Tomcat sends no body for a HEAD request, whatever the GET it is answered as writes.
            chain.doFilter(new AsGet(request), response);
            return;
        }
        response.setHeader(HttpHeaders.ALLOW, allow);
        Problems.write(response, json, Problems.of(HttpStatus.METHOD_NOT_ALLOWED, "Method Not Allowed",
                "This method is not allowed on this resource; the Allow header lists those that are.",
                request.getRequestURI()));
    }

    private static boolean plain(String uri) {
        return !uri.contains("//") && !uri.contains("/./") && !uri.endsWith("/.") && !uri.contains("/../")
                && !uri.endsWith("/..") && !uri.contains("%2e") && !uri.contains("%2E") && !uri.contains(";");
    }

    private static final class AsGet extends HttpServletRequestWrapper {

        AsGet(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getMethod() {
            return "GET";
        }
    }
}
