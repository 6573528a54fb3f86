package org.notesync.identity;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.notesync.web.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 from the security layer as problem documents, keeping the RFC 6750
 * {@code WWW-Authenticate} header that OAuth 2 clients read.
 */
class ProblemSecurityHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final BearerTokenAuthenticationEntryPoint bearerEntryPoint = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler bearerDenied = new BearerTokenAccessDeniedHandler();
    private final JsonMapper json;

    ProblemSecurityHandlers(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        bearerEntryPoint.commence(request, response, e);
        write(request, response, HttpStatus.UNAUTHORIZED,
                unauthorized(request.getHeader(HttpHeaders.AUTHORIZATION), e));
    }

    /** What is wrong with the request's credentials, in words that name it (never the token itself). */
    static String unauthorized(String authorization, AuthenticationException e) {
        if (authorization == null) {
            return "An access token is required: send Authorization: Bearer <token>.";
        }
        if (authorization.regionMatches(true, 0, "Bearer", 0, 6) && authorization.substring(6).isBlank()) {
            return "The Authorization header names the Bearer scheme but carries no token: send Authorization: "
                    + "Bearer <token>.";
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "This endpoint takes an OAuth 2 access token (Authorization: Bearer <token>), not another "
                    + "scheme: a client's id and secret go to POST /oauth2/token for one.";
        }
        // The validator's reason is wrapped in the library's own message ("An error occurred...: <reason>").
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(ActiveClients.REVOKED)) {
                return ActiveClients.REVOKED;
            }
            if (t.getMessage() != null && t.getMessage().contains(RevokedTokens.REVOKED)) {
                return RevokedTokens.REVOKED;
            }
        }
        return "The access token is invalid or has expired.";
    }

    /**
     * The DPoP scheme's failures (RFC 9449) as problem documents too: Spring's handler (kept, for its
     * {@code WWW-Authenticate: DPoP} header and status) sends no body.
     */
    AuthenticationFailureHandler dpop(AuthenticationFailureHandler spring) {
        return (request, response, e) -> {
            spring.onAuthenticationFailure(request, response, e);
            write(request, response, HttpStatus.UNAUTHORIZED, dpopUnauthorized(e));
        };
    }

    /** What is wrong with a DPoP request, in words that name it (never the token or the proof). */
    static String dpopUnauthorized(AuthenticationException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(ActiveClients.REVOKED)) {
                return ActiveClients.REVOKED;
            }
            if (t.getMessage() != null && t.getMessage().contains(RevokedTokens.REVOKED)) {
                return RevokedTokens.REVOKED;
            }
        }
        String error = e instanceof OAuth2AuthenticationException oauth ? oauth.getError().getErrorCode() : null;
        if ("invalid_dpop_proof".equals(error) || "invalid_request".equals(error)) {
            return "The DPoP proof is missing or invalid: send, with Authorization: DPoP <token>, a DPoP header "
                    + "with a new proof for this request's method and URL, signed by the token's key (RFC 9449).";
        }
        return "The access token is invalid or has expired.";
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        bearerDenied.handle(request, response, e);
        Optional<List<String>> scopes = ScopeRules.required(request);
        if (scopes.isEmpty()) {
            write(request, response, HttpStatus.FORBIDDEN,
                    "The access token does not have the scope this endpoint requires.");
            return;
        }
        String detail = "This endpoint needs the scope " + String.join(" or ", scopes.get())
                + ", which the access token does not have.";
        // RFC 6750's scope attribute lists scopes needed together: the first alternative alone.
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\", error_description=\""
                + detail + "\", scope=\"" + scopes.get().get(0) + "\"");
        write(request, response, HttpStatus.FORBIDDEN, detail);
    }

    private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        Problems.write(response, json, Problems.of(status, status.getReasonPhrase(), detail, request.getRequestURI()));
    }
}
