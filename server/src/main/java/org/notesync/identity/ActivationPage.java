package org.notesync.identity;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
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
}
