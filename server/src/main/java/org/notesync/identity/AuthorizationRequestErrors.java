package org.notesync.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.notesync.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.DefaultRedirectStrategy;
import org.springframework.security.web.RedirectStrategy;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.util.StringUtils;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * The authorization endpoint's errors. One it can send back to the client's registered redirect URI goes there,
 * as Spring's does (RFC 6749, 4.1.2.1), an unsupported {@code response_type} too; one it cannot (an unknown
 * client, a redirect URI that is not registered) is shown to the person in the browser, who is often the integrator trying the flow: Spring
 * answered those with a bare 400 that our error page showed as "Bad Request.", where this problem document
 * names the parameter and what is wrong with it.
 */
final class AuthorizationRequestErrors implements AuthenticationFailureHandler {

    private static final String PARAMETER = "OAuth 2.0 Parameter: ";

    private final JsonMapper json;
    private final RegisteredClientRepository clients;
    private final RedirectStrategy redirects = new DefaultRedirectStrategy();

    AuthorizationRequestErrors(JsonMapper json, RegisteredClientRepository clients) {
        this.json = json;
        this.clients = clients;
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException exception) throws IOException {
        OAuth2Error error = exception instanceof OAuth2AuthenticationException oauth ? oauth.getError()
                : new OAuth2Error("invalid_request");
        OAuth2AuthorizationCodeRequestAuthenticationToken authorization =
                exception instanceof OAuth2AuthorizationCodeRequestAuthenticationException codeRequest
                        ? codeRequest.getAuthorizationCodeRequestAuthentication() : null;
        String redirectUri = authorization != null ? authorization.getRedirectUri()
                : OAuth2ErrorCodes.UNSUPPORTED_RESPONSE_TYPE.equals(error.getErrorCode()) ? registeredRedirect(request)
                : null;
        if (!StringUtils.hasText(redirectUri)) {
            Problems.write(response, json, Problems.of(HttpStatus.BAD_REQUEST, "Bad Request", detail(error),
                    request.getRequestURI()));
            return;
        }
        String state = authorization != null ? authorization.getState() : single(request, OAuth2ParameterNames.STATE);
        UriComponentsBuilder back = UriComponentsBuilder.fromUriString(redirectUri)
                .queryParam(OAuth2ParameterNames.ERROR, error.getErrorCode());
        if (StringUtils.hasText(error.getDescription())) {
            back.queryParam(OAuth2ParameterNames.ERROR_DESCRIPTION,
                    UriUtils.encode(error.getDescription(), StandardCharsets.UTF_8));
        }
        if (StringUtils.hasText(error.getUri())) {
            back.queryParam(OAuth2ParameterNames.ERROR_URI, UriUtils.encode(error.getUri(), StandardCharsets.UTF_8));
        }
        if (StringUtils.hasText(state)) {
            back.queryParam(OAuth2ParameterNames.STATE, UriUtils.encode(state, StandardCharsets.UTF_8));
        }
        redirects.sendRedirect(request, response, back.build(true).toUriString());
    }

    /**
     * Where a request with a {@code response_type} other than {@code code} goes back to, as RFC 6749 (4.1.2.1) has
     * {@code unsupported_response_type} sent: Spring refuses it before it reads the client. The client's registered
     * redirect URI the request names exactly, or its only one when the request names none; otherwise none, and
     * the browser is shown the problem, as it is for a repeated {@code state} or {@code scope}.
     */
    private String registeredRedirect(HttpServletRequest request) {
        if (repeated(request, OAuth2ParameterNames.STATE) || repeated(request, OAuth2ParameterNames.SCOPE)) {
            return null;
        }
        String clientId = single(request, OAuth2ParameterNames.CLIENT_ID);
        RegisteredClient client = clientId == null ? null : clients.findByClientId(clientId);
        return client == null || !client.getAuthorizationGrantTypes().contains(AuthorizationGrantType.AUTHORIZATION_CODE)
                ? null : ClientsWithoutRedirects.redirect(request, client);
    }

    private static boolean repeated(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        return values != null && values.length > 1;
    }

    private static String single(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        return values != null && values.length == 1 ? values[0] : null;
    }

    /** What is wrong, by the parameter Spring names; never a value the request sent. */
    static String detail(OAuth2Error error) {
        String description = error.getDescription() == null ? "" : error.getDescription();
        String parameter = description.startsWith(PARAMETER) ? description.substring(PARAMETER.length()).trim() : null;
        String what = parameter == null ? "The authorization request was refused" + (description.isEmpty() ? ""
                : ": " + description)
                : switch (parameter) {
                    case OAuth2ParameterNames.CLIENT_ID -> "client_id is missing, given more than once, or names no "
                            + "client registered for the authorization code grant";
                    case OAuth2ParameterNames.REDIRECT_URI -> "redirect_uri is missing where it is needed (the client "
                            + "has several, or the scope asks for openid), given more than once, or not one of the "
                            + "client's registered redirect URIs (compared exactly, with its query)";
                    case OAuth2ParameterNames.RESPONSE_TYPE -> "response_type must be given once, as code";
                    default -> parameter + " is missing, given more than once, or not valid";
                };
        return what + " (" + error.getErrorCode() + "); it cannot be sent back to the client.";
    }
}
