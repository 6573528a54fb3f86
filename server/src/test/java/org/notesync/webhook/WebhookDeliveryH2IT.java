package org.notesync.webhook;

class WebhookDeliveryH2IT extends WebhookDeliveryContract {
}
