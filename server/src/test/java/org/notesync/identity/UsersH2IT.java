package org.notesync.identity;

class UsersH2IT extends UsersContract {
}
