package org.notesync.webhook;

class WebhooksApiH2IT extends WebhooksApiContract {
}
