-- The auditors' review: accounts, sessions, decisions on findings and their append-only log,
-- and the deductions, bonus and penalty entries that no check drafts.

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,              -- admin | auditor | viewer
    password_hash TEXT NOT NULL,     -- argon2id PHC string
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL         -- RFC 3339
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,     -- sha256 of the cookie's token (the token itself is not kept)
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,              -- token every form of this session must carry
    created_at BIGINT NOT NULL,     -- unix seconds
    expires_at BIGINT NOT NULL      -- unix seconds
);

-- The current decision on a finding, keyed by the finding's identity across runs
-- (unit, section, item, reason, fkey), never by the row id of one run's finding.
CREATE TABLE decisions (
    id BIGSERIAL PRIMARY KEY,
    unit TEXT NOT NULL,
    section TEXT NOT NULL,
    item BIGINT NOT NULL,
    reason TEXT NOT NULL,
    fkey TEXT NOT NULL,
    status TEXT NOT NULL,            -- confirmed | adjusted | rejected
    points DOUBLE PRECISION NOT NULL,            -- deduction that counts (0 when rejected)
    note TEXT NOT NULL,              -- the auditor's reason
    version BIGINT NOT NULL,        -- bumped by each decision (optimistic concurrency)
    finding_id BIGINT NOT NULL,     -- the finding row last decided on (for links)
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    UNIQUE (unit, section, item, reason, fkey)
);

-- Entries an auditor adds by hand (备案, 通报, …).
CREATE TABLE manual_entries (
    id BIGSERIAL PRIMARY KEY,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,              -- deduction | bonus | penalty
    item BIGINT NOT NULL,           -- item number (deduction); 0 otherwise
    rule TEXT NOT NULL,              -- rubric rule id (bonus, penalty); '' otherwise
    amount DOUBLE PRECISION NOT NULL,            -- points (deduction) or count of entries (bonus, penalty)
    note TEXT NOT NULL,
    withdrawn BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Append-only: who decided what, when, from what to what, and why (全过程留痕).
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,            -- confirm | adjust | reject | entry-add | entry-withdraw | user-add | …
    unit TEXT NOT NULL,
    subject TEXT NOT NULL,           -- finding identity "section|item|reason|fkey", or "entry:<id>"
    finding_id BIGINT,              -- finding row the decision was taken on
    before_state TEXT NOT NULL,      -- e.g. "draft 1分"
    after_state TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (unit, subject);
