-- Several crawler workers on one database: a queue of crawl jobs with leases, one next-turn row
-- per portal host (the rate limit all workers keep together), and runs looked up by portal.

CREATE TABLE crawl_jobs (
    id BIGSERIAL PRIMARY KEY,
    run_id BIGINT NOT NULL REFERENCES runs(id),
    kind TEXT NOT NULL,              -- board | unit | finalize
    unit TEXT,                       -- configured unit name (kind = unit)
    state TEXT NOT NULL,             -- queued | leased | done | failed
    attempts BIGINT NOT NULL DEFAULT 0,  -- leases taken so far
    worker TEXT,                     -- name of the worker holding (or last holding) the lease
    lease_until BIGINT,              -- unix ms, database clock; taken again by others after it
    result TEXT,                     -- JSON the job left for the finalize job (snapshot, board)
    error TEXT,                      -- last failure (Chinese)
    updated_at BIGINT NOT NULL       -- unix ms, database clock
);
CREATE INDEX crawl_jobs_run ON crawl_jobs (run_id, state);
CREATE INDEX crawl_jobs_claim ON crawl_jobs (state, lease_until);

-- The next free request slot per host, shared by every worker: each request moves it one
-- period on (UPDATE … greatest(next_at, now) + period RETURNING) and waits until its slot.
CREATE TABLE host_turns (
    host TEXT PRIMARY KEY,           -- host[:port] of the portal
    next_at BIGINT NOT NULL          -- unix µs, database clock
);

CREATE INDEX runs_portal ON runs (portal, id);
