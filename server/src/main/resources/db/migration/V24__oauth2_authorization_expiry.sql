-- ExpiredGrants removes the authorizations whose tokens all expired: most rows are client credentials tokens,
-- found by their access token's expiry without reading the whole table.
CREATE INDEX IF NOT EXISTS oauth2_authorization_access_expiry ON oauth2_authorization (access_token_expires_at);

-- An authorization waiting for the clinician's consent has no token and no expiry: ExpiredGrants removes it a day
-- after it was written. Spring's INSERT names its columns, so the default stamps every new row; rows already
-- there get the time of this migration.
ALTER TABLE oauth2_authorization ADD COLUMN created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP;
