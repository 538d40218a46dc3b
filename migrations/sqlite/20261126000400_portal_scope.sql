-- Decisions, manual entries and the audit log belong to one portal (county): unit names such as
-- 工信局 repeat between the counties that share one database.

ALTER TABLE manual_entries ADD COLUMN portal TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN portal TEXT NOT NULL DEFAULT '';

-- SQLite cannot change a UNIQUE constraint in place: rebuild the table.
CREATE TABLE decisions_scoped (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal TEXT NOT NULL DEFAULT '',  -- runs.portal of the findings it decides
    unit TEXT NOT NULL,
    section TEXT NOT NULL,
    item INTEGER NOT NULL,
    reason TEXT NOT NULL,
    fkey TEXT NOT NULL,
    status TEXT NOT NULL,
    points REAL NOT NULL,
    note TEXT NOT NULL,
    version INTEGER NOT NULL,
    finding_id INTEGER NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    UNIQUE (portal, unit, section, item, reason, fkey)
);
INSERT INTO decisions_scoped (id, portal, unit, section, item, reason, fkey, status, points, note,
    version, finding_id, decided_by, decided_at)
SELECT d.id,
    COALESCE((SELECT r.portal FROM findings f JOIN runs r ON r.id = f.run_id WHERE f.id = d.finding_id), ''),
    d.unit, d.section, d.item, d.reason, d.fkey, d.status, d.points, d.note, d.version,
    d.finding_id, d.decided_by, d.decided_at
FROM decisions d;
DROP TABLE decisions;
ALTER TABLE decisions_scoped RENAME TO decisions;
