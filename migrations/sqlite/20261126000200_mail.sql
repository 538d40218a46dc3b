-- Pre-assessment reports mailed to units: one row per (unit, report), so that the same report is
-- never sent twice and a failed send is retried by the next `gongkai mail`.

CREATE TABLE mail_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    report_sha256 TEXT NOT NULL,     -- SHA-256 of the report's HTML
    report_path TEXT NOT NULL,       -- where the report was written before sending
    recipients TEXT NOT NULL,        -- addresses, comma-separated
    subject TEXT NOT NULL,
    status TEXT NOT NULL,            -- pending | sent | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,                      -- why the last attempt failed
    created_at TEXT NOT NULL,        -- RFC 3339
    updated_at TEXT NOT NULL,        -- RFC 3339 of the last attempt
    UNIQUE (unit, report_sha256)
);
CREATE INDEX mail_log_unit ON mail_log (unit);
