package org.notesync.patient;

class PatientsH2IT extends PatientsContract {
}
