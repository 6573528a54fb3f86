package org.notesync.delivery;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The outcome of one HTTP request carrying a batch of deliveries.
 *
 * @param owner       the node that held the lease (writes are fenced on it)
 * @param requestId   the {@code webhook-id} header sent
 * @param statusCode  the HTTP status, null when there was no answer
 * @param errorKind   null on success
 * @param excerpt     start of the response body, for the log
 * @param transitions the deliveries' new states, grouped so each group is one UPDATE
 */
public record AttemptRecord(String owner, UUID webhookId, String requestId, Instant attemptedAt, long durationMillis,
        Integer statusCode, ErrorKind errorKind, String excerpt, List<UUID> deliveryIds,
        List<Transition> transitions, Health health) {

    public enum State { PENDING, SUCCEEDED, FAILED }

    /** These deliveries move to {@code state}; {@code nextAttemptAt} is set when pending. */
    public record Transition(List<UUID> deliveryIds, State state, Instant nextAttemptAt) {
    }

    /** What the attempt says about the webhook's health. */
    public sealed interface Health {
        /** It answered 2xx: clear any failing streak. */
        record Recovered() implements Health {
        }

        /** It failed: start the failing streak if none is running. */
        record Failing() implements Health {
        }

        /**
         * Disable it ({@code active = false}) and say why on the webhook.
         *
         * @param failingSince the failing streak it was judged on, which must still run when this is written (a
         *                     success, or a re-activation, may have ended it while the request was in flight);
         *                     null to disable it whatever its streak (410 Gone)
         */
        record Disable(String reason, Instant failingSince) implements Health {
        }
    }
}
