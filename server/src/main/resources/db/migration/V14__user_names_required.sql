-- A clinician's first and last names were nullable columns although every writer (the admin API, which
-- refuses a blank one, and the dev data) sets both; the OpenAPI document had to type them nullable. They are
-- now required. No release wrote a null; the UPDATE only keeps the migration from failing on a row written
-- by hand. SET NOT NULL reads the table once under its lock (one row per clinician).
UPDATE users SET first_name = '' WHERE first_name IS NULL;
UPDATE users SET last_name = '' WHERE last_name IS NULL;
ALTER TABLE users ALTER COLUMN first_name SET NOT NULL;
ALTER TABLE users ALTER COLUMN last_name SET NOT NULL;
