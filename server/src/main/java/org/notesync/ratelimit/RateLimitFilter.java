package org.notesync.ratelimit;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.notesync.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Counts each API request with a bearer token against its client's bucket, announces the limit on the
 * response ({@code x-ratelimit-limit}, {@code x-ratelimit-remaining}, {@code x-ratelimit-reset} in Unix
 * seconds) and answers 429 with {@code Retry-After} when the bucket is empty. Runs after Spring
 * Security, so it sees the authenticated token; requests refused by the security layer (401, 403) are
 * not counted.
 */
class RateLimitFilter extends OncePerRequestFilter {

    static final String LIMIT = "x-ratelimit-limit";
    static final String REMAINING = "x-ratelimit-remaining";
    static final String RESET = "x-ratelimit-reset";

    private final TokenBuckets buckets;
    private final JsonMapper json;

    RateLimitFilter(TokenBuckets buckets, JsonMapper json) {
        this.buckets = buckets;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String client = client(SecurityContextHolder.getContext().getAuthentication());
        if (client == null) {
            chain.doFilter(request, response);
            return;
        }
        TokenBuckets.Decision decision = buckets.take(client);
        response.setHeader(LIMIT, Long.toString(decision.limit()));
        response.setHeader(REMAINING, Long.toString(decision.remaining()));
        response.setHeader(RESET, Long.toString(decision.reset().getEpochSecond()));
        if (decision.allowed()) {
            chain.doFilter(request, response);
            return;
        }
        // Rounded up: retrying after a rounded-down wait would find the bucket still empty.
        long seconds = Math.max(1, (decision.retryAfter().toMillis() + 999) / 1000);
        response.setHeader("Retry-After", Long.toString(seconds));
        Problems.write(response, json, Problems.of(HttpStatus.TOO_MANY_REQUESTS, "Too Many Requests",
                "Rate limit of " + decision.limit() + " requests exceeded; retry in " + seconds + " seconds.",
                request.getRequestURI()));
    }

    /** The OAuth 2 client of an API request, or null when the request carries no bearer token. */
    static String client(Authentication authentication) {
        if (!(authentication instanceof JwtAuthenticationToken token) || !authentication.isAuthenticated()) {
            return null;
        }
        String client = token.getToken().getClaimAsString("client_id");
        return client != null ? client : token.getToken().getSubject();
    }
}
