package org.notesync.identity;

class OAuthFlowsH2IT extends OAuthFlowsContract {
}
