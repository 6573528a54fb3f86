package org.notesync.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.notesync.client.WebhookVerificationException.Reason;

class WebhookEndpointTest {

    @Test
    void aRefusalPointsTheOperatorAtWhatItsKindMeans() {
        assertThat(WebhookEndpoint.hint(Reason.NO_MATCHING_SIGNATURE)).contains("webhook-secret");
        assertThat(WebhookEndpoint.hint(Reason.TIMESTAMP_TOO_OLD)).contains("clock").doesNotContain("webhook-secret");
        assertThat(WebhookEndpoint.hint(Reason.TIMESTAMP_TOO_NEW)).contains("clock").doesNotContain("webhook-secret");
        assertThat(WebhookEndpoint.hint(Reason.INVALID_PAYLOAD)).contains("signature was valid")
                .doesNotContain("webhook-secret");
    }
}
