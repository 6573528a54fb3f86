package org.notesync.note;

class NoteFeedH2IT extends NoteFeedContract {
}
