package org.notesync.web;

import java.io.IOException;
import java.nio.charset.Charset;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads {@code Accept} without the {@code charset} parameter of JSON types. JSON is UTF-8 (RFC 8259, 8.1)
 * and its media types define no such parameter, yet clients send {@code application/json; charset=...}. Spring
 * matched such a range to an endpoint that declares what it produces and then found no converter for the
 * charset (a 500 for {@code GET /me}), and a charset Java does not know made the whole header unreadable (a 406
 * for a client that asked for JSON). The parameter is taken out before anything reads the header, the
 * actuator's endpoints included, and the answer is UTF-8, as every JSON answer is.
 */
final class JsonCharsetIgnored extends OncePerRequestFilter {

    private static final Pattern CHARSET = Pattern.compile(";\\s*charset\\s*=\\s*(\"[^\"]*\"|[^;]*)",
            Pattern.CASE_INSENSITIVE);

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        List<String> sent = Collections.list(request.getHeaders(HttpHeaders.ACCEPT));
        if (sent.stream().noneMatch(value -> value.toLowerCase(Locale.ROOT).contains("charset"))) {
            chain.doFilter(request, response);
            return;
        }
        List<String> accept = sent.stream().map(JsonCharsetIgnored::withoutJsonCharsets).toList();
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public String getHeader(String name) {
                return HttpHeaders.ACCEPT.equalsIgnoreCase(name) ? accept.get(0) : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return HttpHeaders.ACCEPT.equalsIgnoreCase(name) ? Collections.enumeration(accept)
                        : super.getHeaders(name);
            }
        }, response);
    }

    /**
     * An {@code Accept} value with the {@code charset} parameters of its JSON ranges taken out, and those of
     * any range that name a charset Java does not know (which would make the whole header unreadable).
     */
    static String withoutJsonCharsets(String accept) {
        return MimeTypeUtils.tokenize(accept).stream().map(String::trim).map(range -> {
            int parameters = range.indexOf(';');
            if (parameters < 0) {
                return range;
            }
            String type = range.substring(0, parameters).trim().toLowerCase(Locale.ROOT);
            boolean json = type.endsWith("/json") || type.endsWith("+json");
            return CHARSET.matcher(range).replaceAll(m -> json || !known(m.group(1)) ? ""
                    : Matcher.quoteReplacement(m.group()));
        }).collect(Collectors.joining(", "));
    }

    private static boolean known(String charset) {
        String name = charset.startsWith("\"") && charset.endsWith("\"") && charset.length() > 1
                ? charset.substring(1, charset.length() - 1) : charset.trim();
        try {
            return Charset.isSupported(name);
        } catch (IllegalArgumentException e) {
            return false; // not even a legal name
        }
    }
}
