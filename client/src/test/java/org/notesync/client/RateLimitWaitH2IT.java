package org.notesync.client;

class RateLimitWaitH2IT extends RateLimitWaitContract {
}
