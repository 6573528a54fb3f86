package org.notesync.delivery;

import java.util.Locale;

/** Why an attempt failed, as the delivery log names it ({@link #wireName()}). */
public enum ErrorKind {
    /** The receiver answered with a status that is not 2xx (and none of the special ones below). */
    HTTP_STATUS,
    /** No answer within the request timeout. */
    TIMEOUT,
    /** The connection could not be opened (refused, unreachable, unknown host). */
    CONNECTION,
    /** The TLS handshake failed. */
    TLS,
    /** A 3xx answer: redirects are never followed. */
    REDIRECT,
    /** 410 Gone: the receiver asked us to stop; the webhook is disabled. */
    GONE,
    /** 429 Too Many Requests: retried after its Retry-After, within bounds. */
    RATE_LIMITED,
    /** The destination address is not allowed (address policy), so nothing was sent. */
    REFUSED_ADDRESS,
    /** Any other I/O failure while sending or reading the answer. */
    IO,
    /** The webhook was inactive when the delivery came due: failed without a request. */
    WEBHOOK_DISABLED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
