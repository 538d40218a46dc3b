-- One crawl per portal and database at a time: the process crawling a portal holds its row and
-- renews the heartbeat; another crawl of the portal is refused while the heartbeat is fresh and
-- takes the row over once it is stale (its holder is gone). Workers of a distributed run take no
-- row; they wait while one is held.

CREATE TABLE crawl_leases (
    portal TEXT PRIMARY KEY,         -- runs.portal
    run_id INTEGER,                  -- the run being crawled; NULL until it is created or reopened
    holder TEXT NOT NULL,            -- host:pid:random token of the holding process
    host TEXT NOT NULL,              -- for messages
    pid INTEGER NOT NULL,            -- for messages
    taken_at TEXT NOT NULL,          -- RFC 3339
    heartbeat_at INTEGER NOT NULL    -- unix ms, database clock; stale after a minute
);
