package org.notesync.web;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import tools.jackson.databind.json.JsonMapper;

/**
 * The firewall's refusals as problem documents that say which rule the request broke. Spring Security's own
 * handler sends a bare 400, which read "Bad Request." and left a client guessing; its exception messages
 * cannot be shown either, since some quote the header or parameter value they refused (a search may carry
 * a patient's name). The detail is chosen from the message's fixed opening, and the one thing it names is a
 * sequence from the firewall's own list. A header's value is checked only when something reads it, which may be
 * after the filters (a controller copying the headers): {@link ProblemHandler} answers those the same way.
 */
public final class FirewallRejections implements RequestRejectedHandler {

    /** The sequences {@link StrictHttpFirewall} refuses in a path, lower-cased, and what each one is. */
    private static final Map<String, String> SEQUENCES = Map.ofEntries(
            Map.entry(";", "a semicolon (path parameters)"),
            Map.entry("%3b", "an encoded semicolon (%3B)"),
            Map.entry("%2f", "an encoded slash (%2F)"),
            Map.entry("%2f%2f", "an encoded double slash"),
            Map.entry("//", "a double slash"),
            Map.entry("%2e", "an encoded period (%2E)"),
            Map.entry("%25", "an encoded percent sign (%25)"),
            Map.entry("%", "a percent sign"),
            Map.entry("\\", "a backslash"),
            Map.entry("%5c", "an encoded backslash (%5C)"),
            Map.entry("\u0000", "a NUL character"),
            Map.entry("%00", "an encoded NUL character (%00)"),
            Map.entry("\n", "a line feed"),
            Map.entry("%0a", "an encoded line feed (%0A)"),
            Map.entry("\r", "a carriage return"),
            Map.entry("%0d", "an encoded carriage return (%0D)"),
            Map.entry("\u2028", "a line separator (U+2028)"),
            Map.entry("\u2029", "a paragraph separator (U+2029)"));

    private static final String MALICIOUS = "The request was rejected because the URL contained a potentially "
            + "malicious String \"";

    private final JsonMapper json;

    public FirewallRejections(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
            throws IOException {
        // The instance is left out: the refused path is exactly what may not be repeated.
        Problems.write(response, json, Problems.of(HttpStatus.BAD_REQUEST, "Bad Request", detail(e.getMessage()),
                null));
    }

    static String detail(String message) {
        String text = message == null ? "" : message;
        if (text.startsWith(MALICIOUS)) {
            String sequence = text.substring(MALICIOUS.length(), Math.max(MALICIOUS.length(), text.length() - 1));
            String named = SEQUENCES.get(sequence.toLowerCase(Locale.ROOT));
            return "The request's path contains " + (named == null ? "a sequence" : named) + ", which the server "
                    + "refuses in a path.";
        }
        if (text.contains("URL was not normalized")) {
            return "The request's path is not normalized: send it without \".\" or \"..\" segments and without "
                    + "empty segments (\"//\").";
        }
        if (text.contains("printable ASCII")) {
            return "The request's path may contain only printable ASCII characters: %-encode the others as UTF-8.";
        }
        if (text.contains("HTTP method")) {
            return "The request's method is not one this server takes: GET, HEAD, POST, PUT, PATCH, DELETE or "
                    + "OPTIONS.";
        }
        if (text.contains("header name")) {
            return "A request header's name contains a control character or an unassigned one.";
        }
        if (text.contains("the header:")) {
            return "A request header's value contains a control character or an unassigned one.";
        }
        if (text.contains("parameter name")) {
            return "A query or form parameter's name contains a control character or an unassigned one.";
        }
        if (text.contains("the parameter:")) {
            return "A query or form parameter's value contains a character the server refuses.";
        }
        if (text.contains("domain")) {
            return "The request's Host is not one this server answers to.";
        }
        return "The request was refused by the server's firewall.";
    }
}
