package org.notesync.identity;

import org.notesync.support.OnPostgres;

@OnPostgres
class AdminApiPostgresIT extends AdminApiContract {
}
