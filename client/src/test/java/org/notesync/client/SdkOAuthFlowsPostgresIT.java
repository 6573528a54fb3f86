package org.notesync.client;

import org.notesync.support.OnPostgres;

@OnPostgres
class SdkOAuthFlowsPostgresIT extends SdkOAuthFlowsContract {
}
