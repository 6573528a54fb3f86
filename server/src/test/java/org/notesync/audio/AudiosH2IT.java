package org.notesync.audio;

class AudiosH2IT extends AudiosContract {
}
