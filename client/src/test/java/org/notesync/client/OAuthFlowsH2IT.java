package org.notesync.client;

class OAuthFlowsH2IT extends OAuthFlowsContract {
}
