package org.notesync.patient;

import org.notesync.support.OnPostgres;

@OnPostgres
class PatientsPostgresIT extends PatientsContract {
}
