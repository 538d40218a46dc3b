-- Issue 15: 链接可用性 (国办秘函〔2019〕19号, a deduction indicator). Once per crawl run, the links
-- on the home page(s) and the column pages the run stored are checked; each distinct link is one
-- row, with the page that carries it and what the check found.
CREATE TABLE link_checks (
    id BIGSERIAL PRIMARY KEY,
    run_id BIGINT NOT NULL REFERENCES runs(id),
    url TEXT NOT NULL,               -- the link, absolute, without its #fragment
    off_site BIGINT NOT NULL,        -- 1: not on the portal's host (checked, never crawled)
    on_home BIGINT NOT NULL,         -- 1: a home page carries it
    source_url TEXT NOT NULL,        -- the first page found carrying it
    source_page_id BIGINT,          -- that page's stored copy (pages.id)
    link_text TEXT NOT NULL,         -- the link's text on that page (title or image alt when empty)
    sources TEXT NOT NULL,           -- JSON array of {url, text, page_id}: the pages carrying it (the first 20)
    source_count BIGINT NOT NULL,   -- how many pages carry it
    checked_by TEXT NOT NULL,        -- crawl (the run's own fetch) | head | get | none (not checked)
    status BIGINT,                  -- the final HTTP status; NULL when no answer came
    final_url TEXT,                  -- where redirects led, when they did
    error TEXT,                      -- why it is broken, or why it was not checked (Chinese)
    broken BIGINT NOT NULL,          -- 1: 4xx/5xx, timeout, no connection, redirect loop
    checked_at TEXT NOT NULL,        -- RFC 3339
    UNIQUE (run_id, url)
);
CREATE INDEX link_checks_run ON link_checks (run_id, broken);

-- One row per run whose link check finished: what was read and the limit in force.
CREATE TABLE link_check_runs (
    run_id BIGINT PRIMARY KEY REFERENCES runs(id),
    pages BIGINT NOT NULL,           -- source pages read (home pages and column pages)
    links BIGINT NOT NULL,           -- distinct links found on them
    link_limit BIGINT NOT NULL,     -- indicators.link_limit in force
    problems TEXT NOT NULL,          -- JSON array of sentences (Chinese): source pages not read
    started_at TEXT NOT NULL,        -- RFC 3339
    finished_at TEXT NOT NULL
);
