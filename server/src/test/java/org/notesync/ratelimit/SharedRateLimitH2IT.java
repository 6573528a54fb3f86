package org.notesync.ratelimit;

class SharedRateLimitH2IT extends SharedRateLimitContract {
}
