-- Failed logins, kept so that the login throttle (per account name and per client address)
-- survives a restart. A success clears the account's row; old failures are forgotten by the
-- policy (`review::LoginPolicy`), not by a job.
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY,            -- "account:<normalised name>" (known or not) or "address:<ip>"
    failures INTEGER NOT NULL,       -- failures counted since the count was last forgotten
    last_failure INTEGER NOT NULL    -- unix seconds of the latest one
);
