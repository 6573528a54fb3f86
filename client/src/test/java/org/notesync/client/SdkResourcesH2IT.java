package org.notesync.client;

class SdkResourcesH2IT extends SdkResourcesContract {
}
