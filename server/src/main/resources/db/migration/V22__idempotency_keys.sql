-- The Idempotency-Key of a create (POST /notes, POST /patients, POST /audios) that succeeded, so that the same request sent
-- again with it (its answer was lost) answers with what it created instead of creating it twice
-- (IdempotencyKeys). Kept by an HMAC (under a key derived from the master key) of the key with the organization,
-- client and clinician it was sent by, with an HMAC of the request it came with; written in the create's own transaction, so a key is taken exactly when its
-- resource exists. Removed after notesync.idempotency.retention (24 hours).
CREATE TABLE idempotency_keys (
    key_hash      varchar(64) PRIMARY KEY,
    request_hash  varchar(64) NOT NULL,
    resource_id   uuid NOT NULL,
    created_at    timestamp with time zone NOT NULL
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
