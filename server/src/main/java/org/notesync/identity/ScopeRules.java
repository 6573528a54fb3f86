package org.notesync.identity;

import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.HEAD;
import static org.springframework.http.HttpMethod.PATCH;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.http.HttpMethod.PUT;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The scope each API endpoint needs, first match wins: the API's security chain enforces these, and a
 * 403 names the scope its request lacked, as RFC 6750 (section 3) lets {@code WWW-Authenticate} say.
 * Reading webhooks and registering one also take {@code read:notes}: the guide names that one scope for
 * synchronizing notes, its webhook's registration included, so its clients ask for nothing else. Changing,
 * redirecting, rotating, replaying or deleting an existing webhook needs {@code write:webhooks}, so that a
 * token granted to read cannot take over or stop another system's delivery. (What a webhook may receive is
 * the controller's to check: note events need {@code read:notes} in any case.)
 */
final class ScopeRules {

    /** {@code scopes}: any one of them suffices; the first is the one a 403's WWW-Authenticate names. */
    record Rule(RequestMatcher matcher, List<String> scopes) {
    }

    static final List<Rule> RULES = List.of(
            rule(GET, Scopes.PROFILE, "/me"),
            rule(GET, Scopes.ORGANIZATION, "/users", "/users/**"),
            rule(null, Scopes.ADMIN, "/admin/**"),
            // The installation's own metrics (every organization's traffic): the admin's, not an integration's.
            rule(null, Scopes.ADMIN, "/actuator/metrics", "/actuator/metrics/**"),
            rule(GET, Scopes.READ_PATIENTS, "/patients", "/patients/**"),
            rule(POST, Scopes.WRITE_PATIENTS, "/patients", "/patients/**"),
            rule(PATCH, Scopes.WRITE_PATIENTS, "/patients/**"),
            rule(PUT, Scopes.WRITE_PATIENTS, "/patients/**"),
            rule(DELETE, Scopes.WRITE_PATIENTS, "/patients/**"),
            rule(GET, Scopes.READ_NOTES, "/notes", "/notes/**"),
            rule(POST, Scopes.WRITE_NOTES, "/notes", "/notes/**"),
            rule(PATCH, Scopes.WRITE_NOTES, "/notes/**"),
            rule(DELETE, Scopes.WRITE_NOTES, "/notes/**"),
            rule(GET, Scopes.READ_AUDIOS, "/audios", "/audios/**"),
            rule(POST, Scopes.WRITE_AUDIOS, "/audios", "/audios/**"),
            rule(DELETE, Scopes.WRITE_AUDIOS, "/audios/**"),
            rule(GET, List.of(Scopes.READ_WEBHOOKS, Scopes.READ_NOTES), "/webhooks", "/webhooks/**",
                    "/webhook-deliveries", "/webhook-deliveries/**"),
            rule(POST, List.of(Scopes.WRITE_WEBHOOKS, Scopes.READ_NOTES), "/webhooks"),
            rule(null, Scopes.WRITE_WEBHOOKS, "/webhooks", "/webhooks/**", "/webhook-deliveries",
                    "/webhook-deliveries/**"));

    private ScopeRules() {
    }

    /** The scopes the first rule matching this request takes, any one of them. */
    static Optional<List<String>> required(HttpServletRequest request) {
        return RULES.stream().filter(r -> r.matcher().matches(request)).map(Rule::scopes).findFirst();
    }

    private static Rule rule(HttpMethod method, String scope, String... patterns) {
        return rule(method, List.of(scope), patterns);
    }

    /**
     * {@code method} null: every method. A GET's rule holds for HEAD too: Spring MVC answers a HEAD with the GET's
     * handler, whose headers (a page's Link, a Content-Length, 200 or 404) tell what its body would have.
     */
    private static Rule rule(HttpMethod method, List<String> scopes, String... patterns) {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        List<RequestMatcher> matchers = Arrays.stream(patterns)
                .<RequestMatcher>flatMap(p -> method == null ? Stream.of(paths.matcher(p))
                        : (method == GET ? Stream.of(GET, HEAD) : Stream.of(method)).map(m -> paths.matcher(m, p)))
                .toList();
        return new Rule(new OrRequestMatcher(matchers), scopes);
    }
}
