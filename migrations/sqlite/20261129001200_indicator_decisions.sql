-- An auditor's decision on a day's indicator verdict (the machine's verdict is a draft, as the
-- rubric's findings are). Kept apart from indicator_verdicts, which a new judgement of the day
-- replaces: the decision stays, with the machine verdict it was taken on.
CREATE TABLE indicator_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal TEXT NOT NULL,
    day TEXT NOT NULL,               -- YYYY-MM-DD the check day
    code TEXT NOT NULL,
    scope TEXT NOT NULL,             -- site, or the unit's name
    machine_verdict TEXT NOT NULL,   -- pass | veto | question, when the auditor decided
    verdict TEXT NOT NULL,           -- pass | veto: the auditor's
    note TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,        -- RFC 3339
    UNIQUE (portal, day, code, scope)
);
