package org.notesync.identity;

import java.security.Principal;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.notesync.web.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationConsentAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationConsentAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Controller;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

import static org.springframework.web.util.HtmlUtils.htmlEscape;

/**
 * Where the clinician approves what a practice system asks for, for the authorization code and the
 * device grants alike. It replaces Spring's default page, which loads its stylesheet from a public CDN:
 * a clinician's browser should not call a third party while signing in, and some practices have no
 * internet. Nothing is pre-ticked; submitting with nothing ticked, or Cancel, refuses.
 */
@Controller
class ConsentPage {

    static final String PATH = "/oauth2/consent";
    /** Marks the Cancel form: a consent that grants nothing, even where scopes were approved before. */
    static final String CANCEL = "cancel";
    /** How Spring names a scope among a consent's authorities. */
    private static final String SCOPE = "SCOPE_";

    /** What each scope lets a practice system do, in the clinician's words. */
    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry(Scopes.PROFILE, "See your name and email address"),
            Map.entry(Scopes.ORGANIZATION, "See your organization's name and address"),
            Map.entry(Scopes.READ_NOTES, "Read clinical notes, and have them sent to an address it registers"),
            Map.entry(Scopes.WRITE_NOTES, "Create and change clinical notes"),
            Map.entry(Scopes.READ_PATIENTS, "Read patient records"),
            Map.entry(Scopes.WRITE_PATIENTS, "Create and change patient records"),
            Map.entry(Scopes.READ_AUDIOS, "Listen to consultation recordings"),
            Map.entry(Scopes.WRITE_AUDIOS, "Upload and delete consultation recordings"),
            Map.entry(Scopes.READ_WEBHOOKS, "See where notes are sent"),
            Map.entry(Scopes.WRITE_WEBHOOKS, "Change where notes are sent"));

    private final RegisteredClientRepository clients;
    private final OAuth2AuthorizationConsentService consents;
    private final Accounts accounts;

    ConsentPage(RegisteredClientRepository clients, OAuth2AuthorizationConsentService consents, Accounts accounts) {
        this.clients = clients;
        this.consents = consents;
        this.accounts = accounts;
    }

    @GetMapping(path = PATH, produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    String consent(Principal principal, @RequestParam("client_id") String clientId,
            @RequestParam(name = "scope", defaultValue = "") String scope, @RequestParam("state") String state,
            @RequestParam(name = "user_code", required = false) String userCode) {
        RegisteredClient client = clients.findByClientId(clientId);
        if (client == null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "Bad Request", "Unknown client.");
        }
        OAuth2AuthorizationConsent previous = consents.findById(client.getId(), principal.getName());
        Set<String> granted = previous == null ? Set.of() : previous.getScopes();
        Set<String> toApprove = new LinkedHashSet<>();
        Set<String> alreadyApproved = new LinkedHashSet<>();
        for (String s : StringUtils.delimitedListToStringArray(scope, " ")) {
            if (!s.isBlank()) {
                (granted.contains(s) ? alreadyApproved : toApprove).add(s);
            }
        }
        String organization = accounts.organizationOfClient(client.getId()).flatMap(accounts::organization)
                .map(Accounts.Organization::name).orElse("");
        String action = StringUtils.hasText(userCode) ? "/oauth2/device_verification" : "/oauth2/authorize";

        StringBuilder hidden = new StringBuilder()
                .append(input("hidden", "client_id", clientId))
                .append(input("hidden", "state", state));
        if (StringUtils.hasText(userCode)) {
            hidden.append(input("hidden", "user_code", userCode));
        }
        StringBuilder choices = new StringBuilder();
        for (String s : toApprove) {
            String id = "scope-" + s.replace(':', '-');
            choices.append("<p><input type=\"checkbox\" name=\"scope\" value=\"").append(htmlEscape(s))
                    .append("\" id=\"").append(htmlEscape(id)).append("\"> <label for=\"").append(htmlEscape(id))
                    .append("\">").append(htmlEscape(describe(s))).append("</label></p>\n");
        }
        StringBuilder already = new StringBuilder();
        if (!alreadyApproved.isEmpty()) {
            already.append("<p>You already allowed it to:</p><ul>");
            alreadyApproved.forEach(s -> already.append("<li>").append(htmlEscape(describe(s))).append("</li>"));
            already.append("</ul>");
        }
        return """
                <!doctype html><html><head><meta charset="utf-8"><title>Consent required</title>
                <link href="/default-ui.css" rel="stylesheet"></head>
                <body><div class="content">
                <form class="login-form" name="consent_form" method="post" action="%1$s">
                  <h2>Consent required</h2>
                  <p><strong>%2$s</strong>%3$s asks to act for you (%4$s). Tick what you allow it to do:</p>
                  %5$s%6$s%7$s
                  <button type="submit" class="primary" id="submit-consent">Allow</button>
                </form>
                <form method="post" action="%1$s">%7$s%8$s
                  <button type="submit" id="cancel-consent">Cancel</button>
                </form>
                <p><small>If you do not allow it, the practice system gets no access.</small></p>
                </div></body></html>""".formatted(action, htmlEscape(client.getClientName()),
                organization.isEmpty() ? "" : " from " + htmlEscape(organization), htmlEscape(principal.getName()),
                choices, already, hidden, input("hidden", CANCEL, "true"));
    }

    /**
     * The consent providers' customizer: Spring adds every scope approved before to those submitted, so a Cancel
     * (which submits none) approved them, and the client got a code for them; and Allow with nothing ticked, when
     * what was approved before is not asked for now, got the client a code for no scope that still named the
     * clinician. Either grants nothing here, which Spring answers {@code access_denied}.
     */
    static Consumer<OAuth2AuthorizationConsentAuthenticationContext> refusedOnCancel() {
        return context -> {
            OAuth2AuthorizationConsentAuthenticationToken submitted = context.getAuthentication();
            boolean cancelled = submitted.getAdditionalParameters().containsKey(CANCEL);
            Set<String> requested = requested(context);
            context.getAuthorizationConsent().authorities(authorities -> {
                boolean grantsAsked = authorities.stream().map(GrantedAuthority::getAuthority)
                        .anyMatch(a -> a.startsWith(SCOPE) && requested.contains(a.substring(SCOPE.length())));
                if (cancelled || !grantsAsked) {
                    authorities.clear();
                }
            });
        };
    }

    /** The scopes the client asked for: its authorization request's, or the device authorization's. */
    private static Set<String> requested(OAuth2AuthorizationConsentAuthenticationContext context) {
        if (context.getAuthorizationRequest() != null) {
            return context.getAuthorizationRequest().getScopes();
        }
        Set<String> device = context.getAuthorization() == null ? null
                : context.getAuthorization().getAttribute(OAuth2ParameterNames.SCOPE);
        return device == null ? Set.of() : device;
    }

    static String describe(String scope) {
        return DESCRIPTIONS.getOrDefault(scope, scope);
    }

    private static String input(String type, String name, String value) {
        return "<input type=\"" + type + "\" name=\"" + name + "\" value=\"" + htmlEscape(value) + "\">";
    }
}
