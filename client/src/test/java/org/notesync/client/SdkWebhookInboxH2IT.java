package org.notesync.client;

class SdkWebhookInboxH2IT extends SdkWebhookInboxContract {
}
