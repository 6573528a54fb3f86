package org.notesync.identity;

import org.notesync.support.OnPostgres;

@OnPostgres
class ExpiredGrantsPostgresIT extends ExpiredGrantsContract {
}
