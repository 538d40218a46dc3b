-- Issue 14: what a fetch sent and received (for the WARC export), and what a later run needs to
-- reuse a sampled PDF without downloading it again.

-- The request as sent: request line and headers, one per line (no body: a POST's form is the
-- `#post:` fragment of the URL). NULL for pages stored before this migration.
ALTER TABLE pages ADD COLUMN request_head TEXT;
-- The response's status line and the headers kept (type, length, validators, disposition, date,
-- server, location, caching), one per line. NULL before this migration or when no answer came.
ALTER TABLE pages ADD COLUMN response_head TEXT;
-- The earlier run's page whose stored copy this record reuses without any request (a sampled
-- attachment of an unchanged document page); NULL when the page was fetched in this run.
ALTER TABLE pages ADD COLUMN reused_from BIGINT;

-- The whole PDF check (verdict, marking, page, reason, detail, pages) as JSON, so that a later
-- run reusing the stored file also reuses its verdict. NULL when not checked or before this
-- migration (the file is then checked again from the stored copy).
ALTER TABLE attachments ADD COLUMN pdf_check TEXT;
