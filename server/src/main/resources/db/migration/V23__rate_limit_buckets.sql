-- The API's rate limit, one token bucket per OAuth 2 client shared by every node (SharedBuckets): each node
-- counts requests in memory and adds what it counted here about once a second, reading back what the others
-- took. Kept by a SHA-256 of the client's key (a client id, or a clinician's subject), its tokens left and the
-- start of its refill period. A row untouched long enough to be full again is removed.
CREATE TABLE rate_limit_buckets (
    client_hash   varchar(64) PRIMARY KEY,
    tokens        bigint NOT NULL,
    period_start  timestamp with time zone NOT NULL
);
CREATE INDEX rate_limit_buckets_age ON rate_limit_buckets (period_start);
