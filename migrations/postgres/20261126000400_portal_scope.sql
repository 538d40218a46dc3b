-- Decisions, manual entries and the audit log belong to one portal (county): unit names such as
-- 工信局 repeat between the counties that share one database.

ALTER TABLE manual_entries ADD COLUMN portal TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN portal TEXT NOT NULL DEFAULT '';

ALTER TABLE decisions ADD COLUMN portal TEXT NOT NULL DEFAULT '';  -- runs.portal of the findings it decides
UPDATE decisions d SET portal = r.portal
    FROM findings f JOIN runs r ON r.id = f.run_id WHERE f.id = d.finding_id;
ALTER TABLE decisions DROP CONSTRAINT decisions_unit_section_item_reason_fkey_key;
ALTER TABLE decisions ADD CONSTRAINT decisions_identity UNIQUE (portal, unit, section, item, reason, fkey);
