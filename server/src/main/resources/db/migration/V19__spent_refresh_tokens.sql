-- Refresh tokens are rotated: each refresh replaces the token it used. One used again after that was copied from
-- the client (RFC 9700, 4.14.2), and its grant is revoked (SingleUseGrants). Spring keeps only a grant's current
-- refresh token, so the replaced ones are kept here, by a hash of the token, until they would have expired. One used
-- again within a minute of its replacement (two processes sharing a token store refreshing at once) is refused only.
CREATE TABLE spent_refresh_tokens (
    token_hash        varchar(64) PRIMARY KEY,
    authorization_id  varchar(100) NOT NULL,
    replaced_at       timestamp with time zone NOT NULL,
    expires_at        timestamp with time zone NOT NULL
);
CREATE INDEX spent_refresh_tokens_expiry ON spent_refresh_tokens (expires_at);
