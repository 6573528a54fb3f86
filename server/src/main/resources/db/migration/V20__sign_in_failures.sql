-- Failed sign-ins on the clinicians' login page, by a hash of the email given and of the address it came from,
-- kept for the window they count in (SignInAttempts): too many for one account from one address, or from one
-- address in all, hold off that address's sign-ins for the rest of the window, on every node.
CREATE TABLE sign_in_failures (
    account_hash  varchar(64) NOT NULL,
    address_hash  varchar(64) NOT NULL,
    failed_at     timestamp with time zone NOT NULL
);
CREATE INDEX sign_in_failures_account ON sign_in_failures (account_hash, address_hash, failed_at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address_hash, failed_at);
CREATE INDEX sign_in_failures_time ON sign_in_failures (failed_at);
