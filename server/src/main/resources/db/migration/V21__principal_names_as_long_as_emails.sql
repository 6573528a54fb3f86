-- A grant's principal is its clinician's email, which may be 320 characters long (users.email); Spring's schema
-- gave 200, and a clinician with a longer email could sign in but not approve a client (a 500 at the consent).
ALTER TABLE oauth2_authorization ALTER COLUMN principal_name TYPE varchar(320);
ALTER TABLE oauth2_authorization_consent ALTER COLUMN principal_name TYPE varchar(320);
