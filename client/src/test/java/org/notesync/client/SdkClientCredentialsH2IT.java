package org.notesync.client;

class SdkClientCredentialsH2IT extends SdkClientCredentialsContract {
}
