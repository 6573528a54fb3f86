package org.notesync.client;

import org.notesync.support.OnPostgres;

@OnPostgres
class ClientCredentialsPostgresIT extends ClientCredentialsContract {
}
