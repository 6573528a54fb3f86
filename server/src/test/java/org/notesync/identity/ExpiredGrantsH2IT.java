package org.notesync.identity;

class ExpiredGrantsH2IT extends ExpiredGrantsContract {
}
