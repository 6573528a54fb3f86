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
 * device flow only) is a 400 that says so. Spring's check of the request looks for a redirect URI to send its
 * error to and, finding none, failed: a 500. Runs before Spring Security, on the authorization endpoint only.
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
        if (client == null || !client.getRedirectUris().isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        AuthorizationEndpointMethods.SECURITY_HEADERS.forEach(writer -> writer.writeHeaders(request, response));
        Problems.write(response, json, Problems.of(HttpStatus.BAD_REQUEST, "Bad Request",
                AuthorizationRequestErrors.detail(new OAuth2Error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
                        "This client has no redirect URI: it is not registered for the authorization code grant",
                        null)), request.getRequestURI()));
    }
}
