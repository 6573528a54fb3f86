package org.notesync.webhook;

import org.notesync.support.OnPostgres;

@OnPostgres
class WebhookDeliveryPostgresIT extends WebhookDeliveryContract {
}
