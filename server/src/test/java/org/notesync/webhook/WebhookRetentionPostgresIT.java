package org.notesync.webhook;

import org.notesync.support.OnPostgres;

@OnPostgres
class WebhookRetentionPostgresIT extends WebhookRetentionContract {
}
