package org.notesync.ratelimit;

class RateLimitH2IT extends RateLimitContract {
}
