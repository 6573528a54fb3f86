package org.notesync.identity;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * Shown to the clinician when a device could not be activated: a page, not the JSON error Spring
 * sends by default, since this is a browser.
 */
class DeviceNotActivatedPage implements AuthenticationFailureHandler {

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException exception) throws IOException {
        boolean declined = exception instanceof OAuth2AuthenticationException e
                && OAuth2ErrorCodes.ACCESS_DENIED.equals(e.getError().getErrorCode());
        boolean otherOrganization = exception instanceof OAuth2AuthenticationException e
                && DeviceOrganizations.OTHER_ORGANIZATION.equals(e.getError().getDescription());
        String message = declined
                ? "You declined the request. The practice software was not given access."
                : otherOrganization ? DeviceOrganizations.OTHER_ORGANIZATION
                : "This code is not valid or has expired. Check the code your practice software shows, or ask it "
                        + "for a new one.";
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write("""
                <!doctype html><html><head><meta charset="utf-8"><title>Device not activated</title>
                <link href="/default-ui.css" rel="stylesheet"></head>
                <body><div class="content"><h2>Device not activated</h2>
                <p>%s</p><p><a href="%s">Enter a code</a></p></div></body></html>"""
                .formatted(message, SecurityConfiguration.DEVICE_ACTIVATION_PAGE));
    }
}
