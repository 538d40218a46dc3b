-- The crawl's record: runs, every fetch with its stored body (evidence), what was read from the
-- pages, and the findings drafted from it.

CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal TEXT NOT NULL,            -- portal.name of the configuration
    config_path TEXT NOT NULL,
    base_url TEXT NOT NULL,
    year INTEGER NOT NULL,           -- assessment year
    as_of TEXT NOT NULL,             -- YYYY-MM-DD the delays are counted to
    started_at TEXT NOT NULL,        -- RFC 3339
    finished_at TEXT,
    status TEXT NOT NULL,            -- running | complete | partial | failed
    requests INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0
);

-- Bodies by content hash, shared by runs that saw the same bytes.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    body BLOB NOT NULL
);

CREATE TABLE pages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    url TEXT NOT NULL,
    kind TEXT NOT NULL,              -- home | landing | column | list_page | document | attachment | messages | message
    unit TEXT,                       -- configured unit name, when the page belongs to one
    status INTEGER NOT NULL,         -- HTTP status; 0 when no response came
    error TEXT,                      -- why the fetch failed (Chinese), when it did
    fetched_at TEXT NOT NULL,
    content_type TEXT,
    encoding TEXT,                   -- how the body was decoded (HTML only)
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT REFERENCES blobs(sha256),
    size INTEGER NOT NULL DEFAULT 0,
    UNIQUE (run_id, url)
);
CREATE INDEX pages_url ON pages (url);

CREATE TABLE columns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    unit TEXT NOT NULL,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    path TEXT NOT NULL,              -- names from the tree's root, joined by " > "
    is_leaf INTEGER NOT NULL,
    state TEXT NOT NULL,             -- list | article | empty | unreachable | parent
    documents INTEGER NOT NULL DEFAULT 0,
    pages INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX columns_run_unit ON columns (run_id, unit);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    unit TEXT NOT NULL,
    column_url TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL,             -- full title when known
    published TEXT,                  -- YYYY-MM-DD or YYYY-MM-DD HH:MM
    list_page INTEGER NOT NULL,      -- 1-based page of the column list it stood on
    list_position INTEGER NOT NULL
);
CREATE INDEX documents_run_unit ON documents (run_id, unit);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    unit TEXT NOT NULL,
    document_url TEXT NOT NULL,
    url TEXT NOT NULL,
    name TEXT NOT NULL,              -- link text (the only type hint)
    sampled INTEGER NOT NULL DEFAULT 0,  -- in the item 17/15 sample of this run
    verdict TEXT,                    -- marked | unmarked | question (sampled PDFs)
    marking TEXT,
    marking_page INTEGER,
    reason TEXT
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    unit_raw TEXT NOT NULL,          -- 受理单位 as the board shows it
    unit TEXT,                       -- configured unit it maps to
    submitted TEXT NOT NULL,
    replied TEXT,
    status_text TEXT NOT NULL
);

CREATE TABLE findings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    unit TEXT NOT NULL,
    tbl TEXT NOT NULL,               -- township | department
    section TEXT NOT NULL,           -- item | bonus | penalty
    item INTEGER NOT NULL,
    points REAL NOT NULL,            -- suggested deduction
    kind TEXT NOT NULL,              -- deduction | question
    reason TEXT NOT NULL,            -- stable code
    detail TEXT NOT NULL,
    evidence TEXT NOT NULL,          -- JSON array of {url, excerpt, page_id}
    status TEXT NOT NULL,            -- draft | confirmed | adjusted | rejected
    fkey TEXT NOT NULL,              -- with unit, section, item, reason: identity across runs
    created_at TEXT NOT NULL
);
CREATE INDEX findings_run ON findings (run_id);
