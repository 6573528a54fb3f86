package org.notesync.identity;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The device grant's verification page: the clinician types the code their practice software shows,
 * which goes to the authorization server's device verification endpoint.
 */
@Controller
class ActivationPage {

    @GetMapping(path = SecurityConfiguration.DEVICE_ACTIVATION_PAGE, produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    String activate() {
        return """
                <!doctype html><html><head><title>Activate a device</title></head>
                <body><h1>Activate a device</h1>
                <p>Enter the code shown by your practice software.</p>
                <form method="get" action="/oauth2/device_verification">
                  <label for="user_code">Code</label>
                  <input id="user_code" name="user_code" type="text" autocomplete="off" required>
                  <button type="submit">Continue</button>
                </form></body></html>""";
    }
}
