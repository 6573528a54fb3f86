package org.notesync.client;

class SdkRateLimitWaitH2IT extends SdkRateLimitWaitContract {
}
