package org.notesync.client;

class ClientCredentialsH2IT extends ClientCredentialsContract {
}
