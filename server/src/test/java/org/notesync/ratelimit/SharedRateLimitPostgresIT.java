package org.notesync.ratelimit;

import org.notesync.support.OnPostgres;

@OnPostgres
class SharedRateLimitPostgresIT extends SharedRateLimitContract {
}
