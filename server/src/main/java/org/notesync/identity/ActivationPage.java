package org.notesync.identity;

import java.net.URI;

import org.notesync.web.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.util.HtmlUtils;

/**
 * The device grant's verification page: the clinician types the code their practice software shows,
 * which goes to the authorization server's device verification endpoint. Opened from
 * {@code verification_uri_complete}, the code is already filled in.
 */
@Controller
class ActivationPage {

    @GetMapping(path = SecurityConfiguration.DEVICE_ACTIVATION_PAGE, produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    String activate(@RequestParam(name = "user_code", required = false) String userCode) {
        String value = userCode == null ? "" : HtmlUtils.htmlEscape(userCode.length() > 64 ? "" : userCode);
        return """
                <!doctype html><html><head><meta charset="utf-8"><title>Activate a device</title>
                <link href="/default-ui.css" rel="stylesheet"></head>
                <body><div class="content">
                <form class="login-form" method="get" action="/oauth2/device_verification">
                  <h2>Activate a device</h2>
                  <p>Enter the code shown by your practice software.</p>
                  <p><label for="user_code">Code</label>
                  <input id="user_code" name="user_code" type="text" value="%s" autocomplete="off" required autofocus></p>
                  <button type="submit" class="primary">Continue</button>
                </form></div></body></html>""".formatted(value);
    }

    /**
     * The device verification endpoint reached without a {@code user_code}, which Spring's endpoint leaves to the
     * application (a 404, "no resource at this path"): a browser is sent to the page that asks for the code, and
     * a form posted without one is told it is missing.
     */
    @GetMapping(path = "/oauth2/device_verification")
    ResponseEntity<Void> verificationWithoutCode() {
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(SecurityConfiguration.DEVICE_ACTIVATION_PAGE))
                .build();
    }

    @PostMapping(path = "/oauth2/device_verification")
    ResponseEntity<Void> consentWithoutCode() {
        throw new ApiException(HttpStatus.BAD_REQUEST, "Bad Request",
                "Parameter \"user_code\" is missing: the device's code is sent with the approval.");
    }
}
