-- The mail log belongs to one portal (county), like decisions: two counties in one database may
-- both have a 工信局, and neither may see the other's sent reports.

CREATE TABLE mail_log_scoped (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal TEXT NOT NULL DEFAULT '',  -- runs.portal of the run the report was made from
    unit TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    report_sha256 TEXT NOT NULL,
    report_path TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL,             -- pending | sent | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (portal, unit, report_sha256)
);
INSERT INTO mail_log_scoped (id, portal, unit, run_id, report_sha256, report_path, recipients,
    subject, status, attempts, error, created_at, updated_at)
SELECT m.id, COALESCE((SELECT r.portal FROM runs r WHERE r.id = m.run_id), ''),
    m.unit, m.run_id, m.report_sha256, m.report_path, m.recipients, m.subject, m.status,
    m.attempts, m.error, m.created_at, m.updated_at
FROM mail_log m;
DROP TABLE mail_log;
ALTER TABLE mail_log_scoped RENAME TO mail_log;
CREATE INDEX mail_log_portal_unit ON mail_log (portal, unit);

-- The portal description a run was made with, so that reports and the web UI read the units and
-- their classes as the run saw them (NULL for runs made before this column existed).
ALTER TABLE runs ADD COLUMN description TEXT;
