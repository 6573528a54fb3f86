package org.notesync.note;

class NotesH2IT extends NotesContract {
}
