package org.notesync.delivery;

import java.util.Map;

/** Sends one signed request to a receiver. Implementations never throw for a receiver's failure. */
public interface WebhookSender {

    SendResult send(String url, Map<String, String> headers, byte[] body);
}
