package org.notesync.identity;

class TokenEndpointH2IT extends TokenEndpointContract {
}
