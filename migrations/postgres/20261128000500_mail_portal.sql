-- The mail log belongs to one portal (county), like decisions: two counties in one database may
-- both have a 工信局, and neither may see the other's sent reports.

ALTER TABLE mail_log ADD COLUMN portal TEXT NOT NULL DEFAULT '';  -- runs.portal of the report's run
UPDATE mail_log m SET portal = r.portal FROM runs r WHERE r.id = m.run_id;
ALTER TABLE mail_log DROP CONSTRAINT mail_log_unit_report_sha256_key;
ALTER TABLE mail_log ADD CONSTRAINT mail_log_identity UNIQUE (portal, unit, report_sha256);
DROP INDEX mail_log_unit;
CREATE INDEX mail_log_portal_unit ON mail_log (portal, unit);

-- The portal description a run was made with, so that reports and the web UI read the units and
-- their classes as the run saw them (NULL for runs made before this column existed).
ALTER TABLE runs ADD COLUMN description TEXT;
