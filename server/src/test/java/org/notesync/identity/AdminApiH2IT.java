package org.notesync.identity;

class AdminApiH2IT extends AdminApiContract {
}
