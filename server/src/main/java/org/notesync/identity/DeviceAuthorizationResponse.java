package org.notesync.identity;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.endpoint.OAuth2DeviceAuthorizationResponse;
import org.springframework.security.oauth2.core.http.converter.OAuth2DeviceAuthorizationResponseHttpMessageConverter;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceAuthorizationRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The device authorization response (RFC 8628, 3.2) with the polling {@code interval} that Spring's
 * default leaves out, and verification URIs under the issuer (the public URL when one is configured).
 */
class DeviceAuthorizationResponse implements AuthenticationSuccessHandler {

    /** Seconds the practice software waits between two polls of the token endpoint. */
    static final int POLLING_INTERVAL = 5;

    private final OAuth2DeviceAuthorizationResponseHttpMessageConverter converter =
            new OAuth2DeviceAuthorizationResponseHttpMessageConverter();

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        OAuth2DeviceAuthorizationRequestAuthenticationToken device =
                (OAuth2DeviceAuthorizationRequestAuthenticationToken) authentication;
        String verificationUri = UriComponentsBuilder
                .fromUriString(AuthorizationServerContextHolder.getContext().getIssuer())
                .path(SecurityConfiguration.DEVICE_ACTIVATION_PAGE).build().toUriString();
        String complete = UriComponentsBuilder.fromUriString(verificationUri)
                .queryParam("user_code", device.getUserCode().getTokenValue()).build().toUriString();
        OAuth2DeviceAuthorizationResponse body = OAuth2DeviceAuthorizationResponse
                .with(device.getDeviceCode(), device.getUserCode())
                .verificationUri(verificationUri)
                .verificationUriComplete(complete)
                .interval(POLLING_INTERVAL)
                .build();
        response.setHeader("Cache-Control", "no-store");
        converter.write(body, null, new ServletServerHttpResponse(response));
    }
}
