package org.notesync.identity;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The guide shows a JSON body on {@code POST /oauth2/token}; RFC 6749 wants a form. This filter
 * presents a JSON body to Spring Security's token endpoint as the equivalent form parameters, and says
 * what is wrong with one it cannot present; likewise on the other endpoints where a client authenticates
 * with its parameters ({@link #PATHS}: the device authorization, introspection and revocation), so that a
 * client that sends the guide's JSON to the token endpoint can start the device flow the same way. It also
 * refuses parameters in the query string: Spring's endpoints drop every body parameter whose name appears
 * anywhere in the query string, so a request with {@code ?scope=...} got a token without scopes.
 */
class TokenRequestFilter extends OncePerRequestFilter {

    static final String[] PATHS = {"/oauth2/token", "/oauth2/device_authorization", "/oauth2/introspect",
            "/oauth2/revoke"};

    private static final int MAX_BODY = 16 * 1024;

    private final JsonMapper json;

    TokenRequestFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!"POST".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        if (request.getQueryString() != null && !request.getQueryString().isEmpty()) {
            invalidRequest(response, "This endpoint reads its parameters from the request body, "
                    + "not the query string.");
            return;
        }
        MediaType type = mediaType(request.getContentType());
        boolean isJson = type != null && MediaType.APPLICATION_JSON.isCompatibleWith(type);
        // multipart/form-data is a form too: Tomcat reads its fields as parameters (curl -F, Postman's form-data).
        if (!isJson && (type == null || !MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type)
                && !MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type)) && hasBody(request)) {
            // Read as no parameters at all, it was answered "client authentication is required".
            invalidRequest(response, "The request body must be a form (application/x-www-form-urlencoded) or JSON "
                    + "(application/json), said so by its Content-Type.");
            return;
        }
        if (!isJson) {
            if (refusedNul(request.getParameterMap(), response)
                    || refusedTwoAuthentications(request, request.getParameterMap(), response)) {
                return;
            }
            String[] secret = request.getParameterValues(OAuth2ParameterNames.CLIENT_SECRET);
            if (secret != null && secret.length == 1 && secret[0].isEmpty()) {
                chain.doFilter(new FormRequest(request, withoutEmptySecret(request.getParameterMap())), response);
            } else {
                chain.doFilter(request, response);
            }
            return;
        }
        Map<String, String[]> parameters = new LinkedHashMap<>();
        try {
            byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                invalidRequest(response, "The request body is larger than " + MAX_BODY / 1024 + " KB.");
                return;
            }
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                invalidRequest(response, "The request body must be a JSON object or a form.");
                return;
            }
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                JsonNode value = field.getValue();
                if (value.isNull()) {
                    continue;
                }
                if (!scalar(value) && !(value.isArray() && value.valueStream().allMatch(TokenRequestFilter::scalar))) {
                    invalidRequest(response, "Each property of the request body must be a string or a number "
                            + "(scope may be a list of strings).");
                    return;
                }
                if (value.isArray()) {
                    // scope may come as a list; OAuth 2 wants it space-separated
                    StringBuilder joined = new StringBuilder();
                    value.forEach(v -> joined.append(joined.isEmpty() ? "" : " ").append(v.asString()));
                    parameters.put(field.getKey(), new String[] {joined.toString()});
                } else {
                    parameters.put(field.getKey(), new String[] {value.asString()});
                }
            }
        } catch (JacksonException e) {
            invalidRequest(response, String.valueOf(e.getOriginalMessage()).startsWith("Duplicate ")
                    ? "The request body names a property more than once."
                    : "The request body must be a JSON object or a form.");
            return;
        }
        if (refusedNul(parameters, response) || refusedTwoAuthentications(request, parameters, response)) {
            return;
        }
        chain.doFilter(new FormRequest(request, withoutEmptySecret(parameters)), response);
    }

    /**
     * A NUL character in a parameter is refused: no client id, secret, code or token holds one, and Spring's
     * lookups handed it to PostgreSQL, which cannot store it in text (a 500).
     */
    private boolean refusedNul(Map<String, String[]> parameters, HttpServletResponse response) throws IOException {
        String name = NulParameters.withNul(parameters);
        if (name != null) {
            invalidRequest(response, NulParameters.description(name));
            return true;
        }
        return false;
    }

    /**
     * A client authenticates once (RFC 6749, 2.3): with HTTP Basic and a {@code client_secret} in the body too, or
     * a {@code client_id} in the body naming another client, Spring read Basic alone, and a wrong secret in the
     * body, or another client's id, went unnoticed.
     */
    private boolean refusedTwoAuthentications(HttpServletRequest request, Map<String, String[]> parameters,
            HttpServletResponse response) throws IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String[] secret = parameters.get(OAuth2ParameterNames.CLIENT_SECRET);
        if (secret != null && secret.length > 0 && !(secret.length == 1 && secret[0].isEmpty())) {
            invalidRequest(response, "The client authenticated twice, with HTTP Basic and with client_secret in the "
                    + "body: use one of them (RFC 6749, 2.3).");
            return true;
        }
        String[] id = parameters.get(OAuth2ParameterNames.CLIENT_ID);
        String basicId = basicClientId(header);
        if (id != null && basicId != null && !(id.length == 1 && id[0].equals(basicId))) {
            invalidRequest(response, "The client_id in the body is not the client that authenticated with HTTP Basic.");
            return true;
        }
        return false;
    }

    /** The client id of an HTTP Basic header (form-url-encoded, RFC 6749, 2.3.1), or null when it is malformed. */
    private static String basicClientId(String header) {
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The request's Content-Type, or null when it has none or names no media type. A body's type was checked
     * already (BodyContentTypeFilter); a malformed one on a request without a body, which that filter leaves
     * alone, describes nothing and made a 500 here.
     */
    private static MediaType mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        try {
            return MediaType.parseMediaType(contentType);
        } catch (InvalidMediaTypeException e) {
            return null;
        }
    }

    /**
     * An empty {@code client_secret} is none: a public client (desktop software) that sends one was refused as a
     * confidential client with a wrong secret, while told to send its {@code client_id} alone.
     */
    private static Map<String, String[]> withoutEmptySecret(Map<String, String[]> parameters) {
        String[] secret = parameters.get(OAuth2ParameterNames.CLIENT_SECRET);
        if (secret == null || secret.length != 1 || !secret[0].isEmpty()) {
            return parameters;
        }
        Map<String, String[]> without = new LinkedHashMap<>(parameters);
        without.remove(OAuth2ParameterNames.CLIENT_SECRET);
        return without;
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    private static boolean scalar(JsonNode value) {
        return value.isString() || value.isNumber() || value.isBoolean();
    }

    private void invalidRequest(HttpServletResponse response, String description) throws IOException {
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader("Cache-Control", "no-store");
        // UTF-8 bytes with no charset parameter, as JSON is (RFC 8259); a writer would say ISO-8859-1.
        json.writeValue(response.getOutputStream(), Map.of("error", "invalid_request", "error_description", description));
    }

    private static final class FormRequest extends HttpServletRequestWrapper {
        private final Map<String, String[]> parameters;

        FormRequest(HttpServletRequest request, Map<String, String[]> parameters) {
            super(request);
            this.parameters = Collections.unmodifiableMap(parameters);
        }

        @Override
        public String getContentType() {
            return MediaType.APPLICATION_FORM_URLENCODED_VALUE;
        }

        @Override
        public String getHeader(String name) {
            return "Content-Type".equalsIgnoreCase(name) ? getContentType() : super.getHeader(name);
        }

        @Override
        public String getParameter(String name) {
            String[] values = parameters.get(name);
            return values == null ? null : values[0];
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return parameters;
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(parameters.keySet());
        }

        @Override
        public String[] getParameterValues(String name) {
            return parameters.get(name);
        }
    }
}
