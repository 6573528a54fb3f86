-- Access tokens are JWTs, checked by their signature alone: one revoked at POST /oauth2/revoke (or whose refresh
-- token was) kept working until it expired. Each node refuses those listed here (RevokedTokens), by a hash of the
-- token, until their expiry; the rows go once the tokens have expired.
CREATE TABLE revoked_access_tokens (
    token_hash  varchar(64) PRIMARY KEY,
    expires_at  timestamp with time zone NOT NULL
);
CREATE INDEX revoked_access_tokens_expiry ON revoked_access_tokens (expires_at);
