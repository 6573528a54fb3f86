package org.notesync.client;

class SdkOAuthFlowsH2IT extends SdkOAuthFlowsContract {
}
