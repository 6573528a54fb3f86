package org.notesync.identity;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/** Shown to the clinician once a device (desktop practice software) has been approved. */
class DeviceActivatedPage implements AuthenticationSuccessHandler {

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write("""
                <!doctype html><html><head><title>Device activated</title></head>
                <body><h1>Device activated</h1>
                <p>You can close this page and return to your practice software.</p></body></html>""");
    }
}
