package org.notesync.identity;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The guide shows a JSON body on {@code POST /oauth2/token}; RFC 6749 wants a form. This filter
 * presents a JSON body to Spring Security's token endpoint as the equivalent form parameters.
 */
class JsonTokenRequestFilter extends OncePerRequestFilter {

    private static final int MAX_BODY = 16 * 1024;

    private final JsonMapper json;

    JsonTokenRequestFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String type = request.getContentType();
        if (!"POST".equals(request.getMethod()) || type == null
                || !MediaType.APPLICATION_JSON.isCompatibleWith(MediaType.parseMediaType(type))) {
            chain.doFilter(request, response);
            return;
        }
        Map<String, String[]> parameters = new LinkedHashMap<>();
        try {
            byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
            JsonNode node = body.length > MAX_BODY ? null : json.readTree(body);
            if (node == null || !node.isObject()) {
                invalidRequest(response);
                return;
            }
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                JsonNode value = field.getValue();
                if (value.isNull()) {
                    continue;
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
            invalidRequest(response);
            return;
        }
        chain.doFilter(new FormRequest(request, parameters), response);
    }

    private static void invalidRequest(HttpServletResponse response) throws IOException {
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getWriter().write("{\"error\":\"invalid_request\",\"error_description\":"
                + "\"The request body must be a JSON object or a form.\"}");
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
