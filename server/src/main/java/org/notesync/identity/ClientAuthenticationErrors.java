package org.notesync.identity;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * A client's failed authentication at the token, introspection, revocation and device authorization endpoints,
 * answered as Spring does (401 {@code invalid_client}, 400 otherwise), with the challenge RFC 6749 (5.2) requires
 * when the client tried HTTP Basic: {@code WWW-Authenticate: Basic}, which Spring left out.
 */
final class ClientAuthenticationErrors implements AuthenticationFailureHandler {

    private final HttpMessageConverter<OAuth2Error> errors = new OAuth2ErrorHttpMessageConverter();

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException exception) throws IOException {
        OAuth2Error error = exception instanceof OAuth2AuthenticationException oauth ? oauth.getError()
                : new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT);
        boolean invalidClient = OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode());
        ServletServerHttpResponse answer = new ServletServerHttpResponse(response);
        answer.setStatusCode(invalidClient ? HttpStatus.UNAUTHORIZED : HttpStatus.BAD_REQUEST);
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (invalidClient && authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            answer.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"oauth2\"");
        }
        answer.getHeaders().setCacheControl("no-store");
        errors.write(error, null, answer);
    }
}
