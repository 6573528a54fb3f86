package org.notesync.webhook;

import org.notesync.support.OnPostgres;

@OnPostgres
class WebhooksApiPostgresIT extends WebhooksApiContract {
}
