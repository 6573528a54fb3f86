package org.notesync.identity;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.notesync.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * An authorization request for a client that has no redirect URI (one registered for client credentials or the
 * device flow only), or whose redirect URI is not a valid URI (characters beyond ASCII, registered before the
 * admin API refused them), is a 400 that says so. Spring's check of the request looks for a redirect URI to send
 * its error to and, finding none, or failing to build a redirect to it, failed: a 500. Runs before Spring
 * Security, on the authorization endpoint only.
 */
class ClientsWithoutRedirects extends OncePerRequestFilter {

    private final RegisteredClientRepository clients;
    private final JsonMapper json;

    ClientsWithoutRedirects(RegisteredClientRepository clients, JsonMapper json) {
        this.clients = clients;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String[] ids = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
        RegisteredClient client = ids != null && ids.length == 1 ? clients.findByClientId(ids[0]) : null;
        if (client == null) {
            chain.doFilter(request, response);
            return;
        }
        String why;
        if (client.getRedirectUris().isEmpty()) {
            why = "This client has no redirect URI: it is not registered for the authorization code grant";
        } else if (beyondAscii(redirect(request, client))) {
            // Registered before redirect URIs had to be ASCII and %-encoded (the admin API refuses them now):
            // Spring's redirect to it failed, a 500, whatever the request.
            why = "This client's registered redirect URI is not a valid URI (it has characters beyond ASCII): "
                    + "an operator must register it again, %-encoded";
        } else {
            chain.doFilter(request, response);
            return;
        }
        AuthorizationEndpointMethods.SECURITY_HEADERS.forEach(writer -> writer.writeHeaders(request, response));
        Problems.write(response, json, Problems.of(HttpStatus.BAD_REQUEST, "Bad Request",
                AuthorizationRequestErrors.detail(new OAuth2Error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT, why, null)),
                request.getRequestURI()));
    }

    /** Where the request would be sent back: its redirect_uri if the client registered it, or the client's only one. */
    static String redirect(HttpServletRequest request, RegisteredClient client) {
        String[] given = request.getParameterValues(OAuth2ParameterNames.REDIRECT_URI);
        if (given != null && given.length == 1) {
            return client.getRedirectUris().contains(given[0]) ? given[0] : null;
        }
        return given == null && client.getRedirectUris().size() == 1 ? client.getRedirectUris().iterator().next()
                : null;
    }

    private static boolean beyondAscii(String uri) {
        return uri != null && uri.chars().anyMatch(c -> c > 0x7E || c < 0x21);
    }
}
