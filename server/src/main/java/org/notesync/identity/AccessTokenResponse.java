package org.notesync.identity;

import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.DefaultOAuth2AccessTokenResponseMapConverter;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * The token endpoint's response with {@code expires_in} as the token's lifetime (RFC 6749, 5.1), 3600 for an
 * hour's token as the guide shows. Spring's own handler writes the seconds left when the answer is written,
 * 3599 once any time passed since the token was built, and its converter cannot be replaced: this handler
 * builds the same response and writes it with a converter whose {@code expires_in} is {@code exp - iat}.
 */
final class AccessTokenResponse implements AuthenticationSuccessHandler {

    private final OAuth2AccessTokenResponseHttpMessageConverter converter =
            new OAuth2AccessTokenResponseHttpMessageConverter();

    AccessTokenResponse() {
        DefaultOAuth2AccessTokenResponseMapConverter parameters = new DefaultOAuth2AccessTokenResponseMapConverter();
        converter.setAccessTokenResponseParametersConverter(response -> {
            Map<String, Object> written = parameters.convert(response);
            OAuth2AccessToken token = response.getAccessToken();
            if (token.getIssuedAt() != null && token.getExpiresAt() != null) {
                written.put(OAuth2ParameterNames.EXPIRES_IN,
                        ChronoUnit.SECONDS.between(token.getIssuedAt(), token.getExpiresAt()));
            }
            return written;
        });
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        if (!(authentication instanceof OAuth2AccessTokenAuthenticationToken issued)) {
            // as Spring's handler: an OAuth error answer, not an exception out of the filter chain
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.SERVER_ERROR,
                    "Unable to process the access token response.", null));
        }
        OAuth2AccessToken token = issued.getAccessToken();
        OAuth2AccessTokenResponse.Builder body = OAuth2AccessTokenResponse.withToken(token.getTokenValue())
                .tokenType(token.getTokenType())
                .scopes(token.getScopes());
        if (token.getIssuedAt() != null && token.getExpiresAt() != null) {
            body.expiresIn(ChronoUnit.SECONDS.between(token.getIssuedAt(), token.getExpiresAt()));
        }
        if (issued.getRefreshToken() != null) {
            body.refreshToken(issued.getRefreshToken().getTokenValue());
        }
        if (!issued.getAdditionalParameters().isEmpty()) {
            body.additionalParameters(issued.getAdditionalParameters());
        }
        converter.write(body.build(), null, new ServletServerHttpResponse(response));
    }
}
