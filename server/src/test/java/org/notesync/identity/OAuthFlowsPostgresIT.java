package org.notesync.identity;

import org.notesync.support.OnPostgres;

@OnPostgres
class OAuthFlowsPostgresIT extends OAuthFlowsContract {
}
