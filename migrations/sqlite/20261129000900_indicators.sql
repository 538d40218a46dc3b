-- The national website-inspection indicators (国办秘函〔2019〕19号): the home-page probes behind
-- 站点无法访问 and 首页不更新, and each day's verdicts.
CREATE TABLE probes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal TEXT NOT NULL,            -- portal.name of the configuration
    url TEXT NOT NULL,               -- the page probed
    at TEXT NOT NULL,                -- UTC, YYYY-MM-DDTHH:MM:SS.mmmZ (sorts as text)
    ok INTEGER NOT NULL,             -- 1: a 2xx/3xx page loaded within the timeout
    ms INTEGER NOT NULL,             -- how long the probe took
    status INTEGER,                  -- HTTP status; NULL when no answer came
    error TEXT,                      -- why it failed (Chinese), when it did
    items INTEGER NOT NULL DEFAULT 0,        -- links in list rows of the page
    dated_items INTEGER NOT NULL DEFAULT 0,  -- of them, with a date
    newest_date TEXT,                -- YYYY-MM-DD of the newest dated item
    newest_title TEXT,
    newest_url TEXT
);
CREATE INDEX probes_portal_at ON probes (portal, at);

CREATE TABLE indicator_verdicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal TEXT NOT NULL,
    day TEXT NOT NULL,               -- YYYY-MM-DD the check day
    code TEXT NOT NULL,              -- site_unreachable | home_not_updated | columns_not_updated | interaction_poor
    scope TEXT NOT NULL,             -- site, or the unit's name
    verdict TEXT NOT NULL,           -- pass | veto | question
    result TEXT NOT NULL,            -- JSON of the whole result (figures, evidence, questions)
    run_id INTEGER,                  -- the crawl read for columns and board, when there was one
    computed_at TEXT NOT NULL,       -- RFC 3339
    UNIQUE (portal, day, code, scope)
);
