package org.notesync.webhook;

class WebhookRetentionH2IT extends WebhookRetentionContract {
}
