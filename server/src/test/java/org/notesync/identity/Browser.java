package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;

import org.htmlunit.BrowserVersion;
import org.htmlunit.HttpMethod;
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
 * A clinician's browser on the server's login, consent and activation pages (HtmlUnit, no JavaScript).
 * It follows redirects within the server only: a redirect anywhere else (the client's redirect_uri)
 * is returned unfollowed, so a test reads the authorization code from its Location.
 */
final class Browser implements AutoCloseable {

    private final WebClient web = new WebClient(BrowserVersion.BEST_SUPPORTED);
    private final String origin;

    Browser(int port) {
        this.origin = "http://127.0.0.1:" + port;
        web.getOptions().setJavaScriptEnabled(false);
        web.getOptions().setCssEnabled(false);
        web.getOptions().setRedirectEnabled(false);
        web.getOptions().setThrowExceptionOnFailingStatusCode(false);
        web.getOptions().setPrintContentOnFailingStatusCode(false);
        // Tests only talk to the server under test on loopback.
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

    /** Sends the header with every request from now on (as a load balancer in front of the server would). */
    Browser header(String name, String value) {
        web.addRequestHeader(name, value);
        return this;
    }

    /** Opens a path of the server (or a full URL on it) and follows the server's own redirects. */
    Page open(String pathOrUrl) {
        try {
            return follow(web.getPage(pathOrUrl.startsWith("http") ? pathOrUrl : origin + pathOrUrl));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Posts an empty form to a path of the server, as a page's form would, and follows the server's redirects. */
    Page post(String path) {
        try {
            WebRequest request = new WebRequest(new URL(origin + path), HttpMethod.POST);
            request.setAdditionalHeader("Content-Type", "application/x-www-form-urlencoded");
            return follow(web.getPage(request));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fills and submits the login form on the page. */
    Page logIn(Page loginPage, String email, String password) {
        HtmlPage page = html(loginPage);
        assertThat(page.getUrl().getPath()).as("expected the login page").isEqualTo("/login");
        HtmlForm form = page.getForms().get(0);
        form.getInputByName("username").setValue(email);
        form.getInputByName("password").setValue(password);
        return submit(form);
    }

    /** Ticks every requested scope on the consent page and submits it. */
    Page approve(Page consentPage) {
        HtmlPage page = html(consentPage);
        assertThat(page.getTitleText()).as("expected the consent page").containsIgnoringCase("consent");
        HtmlForm form = page.getForms().get(0);
        for (HtmlElement input : form.getElementsByAttribute("input", "type", "checkbox")) {
            ((HtmlCheckBoxInput) input).setChecked(true);
        }
        return submit(form);
    }

    /** Submits a form with its submit button and follows the server's redirects. */
    Page submit(HtmlForm form) {
        HtmlElement button = form.getFirstByXPath(".//button[@type='submit'] | .//input[@type='submit']");
        try {
            return follow(button.click());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HtmlPage html(Page page) {
        assertThat(page).as("status %s at %s: %s", page.getWebResponse().getStatusCode(), page.getUrl(),
                page.getWebResponse().getContentAsString()).isInstanceOf(HtmlPage.class);
        return (HtmlPage) page;
    }

    static String location(Page page) {
        return page.getWebResponse().getResponseHeaderValue("Location");
    }

    private Page follow(Page page) throws IOException {
        for (int hops = 0; hops < 10; hops++) {
            int status = page.getWebResponse().getStatusCode();
            String location = location(page);
            if (status < 300 || status >= 400 || location == null) {
                return page;
            }
            URL next = resolve(page.getUrl(), location);
            if (!next.toString().startsWith(origin + "/")) {
                return page; // leaving the server: the test reads the Location
            }
            page = web.getPage(next);
        }
        throw new IllegalStateException("Too many redirects");
    }

    private static URL resolve(URL base, String location) {
        try {
            return new URL(base, location);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        web.close();
    }
}
