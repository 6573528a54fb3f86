package org.notesync.note;

import org.notesync.support.OnPostgres;

@OnPostgres
class NotesPostgresIT extends NotesContract {
}
