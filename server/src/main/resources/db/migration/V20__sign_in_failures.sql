-- Failed sign-ins on the clinicians' login page, by a hash of the email given and of the address it came from,
-- kept for the window they count in (SignInAttempts): too many for one account from one address, from one
-- address in all, or for one account in all, hold off those sign-ins for the rest of the window, on every node.
-- Each attempt is written before its password is checked (and taken back if it succeeds or is refused), so that
-- attempts sent in parallel are counted against each other.
CREATE TABLE sign_in_failures (
    id            uuid PRIMARY KEY,
    account_hash  varchar(64) NOT NULL,
    address_hash  varchar(64) NOT NULL,
    failed_at     timestamp with time zone NOT NULL
);
CREATE INDEX sign_in_failures_account ON sign_in_failures (account_hash, address_hash, failed_at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address_hash, failed_at);
CREATE INDEX sign_in_failures_time ON sign_in_failures (failed_at);
