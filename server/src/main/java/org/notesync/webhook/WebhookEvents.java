package org.notesync.webhook;

import java.util.List;

/** The event names a webhook can subscribe to, and the test event. */
final class WebhookEvents {

    /** A note was generated: the guide's event. */
    static final String NEW_NOTE = "new_note";
    /** A note's content or type changed. */
    static final String UPDATED_NOTE = "updated_note";
    /** Sent by {@code POST /webhooks/{uuid}/test}, whatever the subscription. */
    static final String PING = "ping";

    static final List<String> SUBSCRIBABLE = List.of(NEW_NOTE, UPDATED_NOTE);

    /** The events whose payload is a note: receiving them is reading notes. */
    static final List<String> NOTE_EVENTS = List.of(NEW_NOTE, UPDATED_NOTE);

    private WebhookEvents() {
    }
}
