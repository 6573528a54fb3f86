-- ExpiredGrants removes the authorizations whose tokens all expired: most rows are client credentials tokens,
-- found by their access token's expiry without reading the whole table.
CREATE INDEX oauth2_authorization_access_expiry ON oauth2_authorization (access_token_expires_at);
