package org.notesync.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;

import org.htmlunit.BrowserVersion;
import org.htmlunit.Page;
import org.htmlunit.WebClient;
import org.htmlunit.WebRequest;
import org.htmlunit.WebResponse;
import org.htmlunit.html.HtmlCheckBoxInput;
import org.htmlunit.html.HtmlElement;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.util.WebConnectionWrapper;

/**
 * A clinician in a browser (HtmlUnit, no JavaScript) on the real server's login, consent and device
 * pages: what happens on the other side of the SDK's authorization code and device flows. Follows
 * redirects only within the server; a redirect elsewhere (the client's redirect_uri) is returned as is.
 */
final class ClinicianBrowser implements AutoCloseable {

    private final WebClient web = new WebClient(BrowserVersion.BEST_SUPPORTED);
    private final String origin;
    private final String email;
    private final String password;

    ClinicianBrowser(int port, String email, String password) {
        this.origin = "http://127.0.0.1:" + port;
        this.email = email;
        this.password = password;
        web.getOptions().setJavaScriptEnabled(false);
        web.getOptions().setCssEnabled(false);
        web.getOptions().setRedirectEnabled(false);
        web.getOptions().setThrowExceptionOnFailingStatusCode(false);
        web.getOptions().setPrintContentOnFailingStatusCode(false);
        new WebConnectionWrapper(web) {
            @Override
            public WebResponse getResponse(WebRequest request) throws IOException {
                if (!request.getUrl().toString().startsWith(origin + "/")) {
                    throw new IllegalStateException("The browser tried to leave the server: " + request.getUrl());
                }
                return super.getResponse(request);
            }
        };
    }

    /** Opens the authorization URL, logs in, consents, and returns where the server sent the browser back to. */
    URI authorize(URI authorizationUri) {
        Page page = approveEverything(open(authorizationUri.toString()));
        String location = page.getWebResponse().getResponseHeaderValue("Location");
        if (location == null) {
            throw new IllegalStateException("No redirect back to the client: " + describe(page));
        }
        return URI.create(location);
    }

    /** Enters the code on the device verification endpoint, logs in, consents. */
    void activateDevice(String userCode) {
        Page page = approveEverything(open("/oauth2/device_verification?user_code=" + userCode));
        if (!(page instanceof HtmlPage html) || !html.getTitleText().contains("Device activated")) {
            throw new IllegalStateException("The device was not activated: " + describe(page));
        }
    }

    private Page approveEverything(Page page) {
        for (int step = 0; step < 4; step++) {
            if (!(page instanceof HtmlPage html) || html.getForms().isEmpty()) {
                return page;
            }
            HtmlForm form = html.getForms().get(0);
            if (html.getUrl().getPath().equals("/login")) {
                form.getInputByName("username").setValue(email);
                form.getInputByName("password").setValue(password);
            } else if (!form.getElementsByAttribute("input", "type", "checkbox").isEmpty()
                    || html.getTitleText().toLowerCase().contains("consent")) {
                for (HtmlElement box : form.getElementsByAttribute("input", "type", "checkbox")) {
                    ((HtmlCheckBoxInput) box).setChecked(true);
                }
            } else {
                return page;
            }
            page = submit(form);
        }
        return page;
    }

    private Page open(String pathOrUrl) {
        try {
            return follow(web.getPage(pathOrUrl.startsWith("http") ? pathOrUrl : origin + pathOrUrl));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Page submit(HtmlForm form) {
        HtmlElement button = form.getFirstByXPath(".//button[@type='submit'] | .//input[@type='submit'] | .//button");
        try {
            return follow(button.click());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Page follow(Page page) throws IOException {
        for (int hops = 0; hops < 10; hops++) {
            int status = page.getWebResponse().getStatusCode();
            String location = page.getWebResponse().getResponseHeaderValue("Location");
            if (status < 300 || status >= 400 || location == null) {
                return page;
            }
            URL next;
            try {
                next = new URL(page.getUrl(), location);
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
            if (!next.toString().startsWith(origin + "/")) {
                return page;
            }
            page = web.getPage(next);
        }
        throw new IllegalStateException("Too many redirects");
    }

    private static String describe(Page page) {
        return page.getWebResponse().getStatusCode() + " at " + page.getUrl();
    }

    @Override
    public void close() {
        web.close();
    }
}
