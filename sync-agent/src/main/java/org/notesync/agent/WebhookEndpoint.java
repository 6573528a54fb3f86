package org.notesync.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.notesync.client.WebhookVerificationException;
import org.notesync.client.WebhookVerifier;

/**
 * {@code POST <webhook-path>}: verifies the Standard Webhooks signature and timestamp on the raw bytes,
 * stores the request in the durable inbox, answers 200 and only then lets the worker import it. Nothing
 * slow happens before the answer: one insert, well inside the sender's 5 seconds.
 */
final class WebhookEndpoint implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(WebhookEndpoint.class.getName());
    static final int MAX_BODY = 5 * 1024 * 1024;

    /** Refusals are written down and logged at most this often: an unsigned flood costs no write each. */
    static final long REFUSAL_RECORD_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final WebhookVerifier verifier;
    private final Inbox inbox;
    private final SyncState state;
    private final Runnable wakeWorker;
    /** When each kind of refusal was last recorded: an unsigned probe each minute must not hide a wrong secret. */
    private final Map<WebhookVerificationException.Reason, Long> lastRecorded = new ConcurrentHashMap<>();

    WebhookEndpoint(WebhookVerifier verifier, Inbox inbox, SyncState state, Runnable wakeWorker) {
        this.verifier = verifier;
        this.inbox = inbox;
        this.state = state;
        this.wakeWorker = wakeWorker;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().add("Allow", "POST");
                reply(exchange, 405, "Use POST");
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                reply(exchange, 413, "The body is larger than 5 MiB");
                return;
            }
            try {
                // Parsing too: a genuine request that is not a notesync payload is refused now, not retried forever.
                verifier.verify(exchange.getRequestHeaders()::getFirst, body);
            } catch (WebhookVerificationException e) {
                refused(e);
                reply(exchange, e.status(), e.getMessage());
                return;
            }
            try {
                inbox.store(exchange.getRequestHeaders().getFirst(WebhookVerifier.ID_HEADER), body);
            } catch (RuntimeException e) {
                // Not stored: the sender must try again, so not a 2xx.
                LOG.log(Level.ERROR, "Cannot store a webhook request: {0}", e.getMessage());
                reply(exchange, 503, "Cannot store the request now; try again");
                return;
            }
            reply(exchange, 200, "OK");
            wakeWorker.run();
        }
    }

    /**
     * notesync retries a refused request and then parks it, and the notes still come by the feed, a poll
     * interval late: without a trace here a wrong webhook-secret would go unseen. The reason names the
     * check that failed, never the request's content.
     */
    /** What an operator should look at for a refusal of this kind, if notesync sent the request. */
    static String hint(WebhookVerificationException.Reason reason) {
        return switch (reason) {
            case NO_MATCHING_SIGNATURE -> "if notesync sent it, check webhook-secret";
            case TIMESTAMP_TOO_OLD, TIMESTAMP_TOO_NEW -> "if notesync sent it, check this machine's clock (NTP): "
                    + "signatures are accepted 5 minutes either side of it";
            case INVALID_PAYLOAD -> "its signature was valid but its body is not the webhook payload: check that "
                    + "nothing between notesync and the agent rewrites requests, and that the agent is up to date";
            case INVALID_TIMESTAMP, MISSING_HEADER -> "not a notesync request, or one a proxy changed";
        };
    }

    private void refused(WebhookVerificationException e) {
        if (e.reason() == WebhookVerificationException.Reason.MISSING_HEADER) {
            return; // unsigned: not notesync (a scanner, a health check), and no sign of a wrong secret
        }
        long now = System.nanoTime();
        boolean[] due = {false};
        lastRecorded.compute(e.reason(), (kind, last) -> {
            due[0] = last == null || now - last >= REFUSAL_RECORD_NANOS;
            return due[0] ? now : last;
        });
        if (!due[0]) {
            return; // this kind was recorded within the minute
        }
        String reason = e.reason() + ": " + e.getMessage();
        LOG.log(Level.WARNING, "Refused a webhook request ({0}); {1}. Further refusals of this kind within a minute "
                + "are not logged.", new Object[] {reason, hint(e.reason())});
        try {
            state.webhookRefused(reason);
        } catch (RuntimeException ignored) {
            // The status misses one refusal; the answer still goes out.
        }
    }

    private static void reply(HttpExchange exchange, int status, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
