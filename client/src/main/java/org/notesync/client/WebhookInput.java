package org.notesync.client;

import java.net.URI;
import java.util.List;

/** A webhook to create ({@code url} and {@code events} required), or the changes to make to one. */
public final class WebhookInput extends Input<WebhookInput> {

    private WebhookInput() {
    }

    public static WebhookInput create() {
        return new WebhookInput();
    }

    public WebhookInput url(URI url) {
        return put("url", url.toString());
    }

    public WebhookInput url(String url) {
        return put("url", url);
    }

    /** Actions to receive: {@code new_note}, {@code updated_note}. */
    public WebhookInput events(String... events) {
        return put("events", List.of(events));
    }

    public WebhookInput active(boolean active) {
        return put("active", active);
    }
}
