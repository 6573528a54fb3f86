package org.notesync.identity;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * {@link DefaultBearerTokenResolver}'s rule for the {@code Authorization} header, checked with a loop over
 * the characters instead of its case-insensitive regular expression, which JFR showed taking 13% of the
 * server's CPU under the API benchmark (docs/PERFORMANCE.md). A header the loop accepts is exactly one the
 * library's pattern {@code ^Bearer (?<token>[a-zA-Z0-9-._~+/]+=*)$} accepts (RFC 6750's b64token);
 * anything else (no header, another scheme, a malformed token) goes to the library's resolver, so its
 * answers and errors stay the library's. Tokens in query strings or form bodies stay refused, as by default.
 */
final class HeaderBearerTokenResolver implements BearerTokenResolver {

    private static final String PREFIX = "Bearer ";

    private final BearerTokenResolver library = new DefaultBearerTokenResolver();

    @Override
    public String resolve(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                && isB64Token(header, PREFIX.length())) {
            return header.substring(PREFIX.length());
        }
        return library.resolve(request);
    }

    /** {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="} from {@code from} to the end. */
    static boolean isB64Token(String text, int from) {
        int i = from;
        while (i < text.length() && isTokenChar(text.charAt(i))) {
            i++;
        }
        if (i == from) {
            return false;
        }
        while (i < text.length() && text.charAt(i) == '=') {
            i++;
        }
        return i == text.length();
    }

    private static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }
}
