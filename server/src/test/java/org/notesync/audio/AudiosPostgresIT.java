package org.notesync.audio;

import org.notesync.support.OnPostgres;

@OnPostgres
class AudiosPostgresIT extends AudiosContract {
}
