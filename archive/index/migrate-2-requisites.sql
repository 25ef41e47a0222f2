-- Schema version 2 (page requisites and screenshots, issue 16): what each page capture needed
-- to render, and the screenshots made of captures. Both are rebuilt from the WARCs: the rows
-- of `requisites` from each page's pageinfo record, those of `views` from the `urn:view:`
-- resource records and the `urn:viewinfo:` metadata records that link them to a capture.

-- One row per URL a page capture needed (its pageinfo's "requisites" list).
CREATE TABLE IF NOT EXISTS requisites (
    page_capture  INTEGER NOT NULL,       -- captures.id of the page
    url           TEXT NOT NULL,
    kind          TEXT NOT NULL,          -- stylesheet | script | font | image | icon | media | other
    outcome       TEXT NOT NULL,          -- fetched | revisit | not-modified | fresh | failed | skipped
    status        INTEGER,                -- HTTP status of the capture that serves it
    via           TEXT,                   -- the stylesheet that refers to it, if any
    fresh_until   TEXT,                   -- reused without a request until then
    PRIMARY KEY (page_capture, url)
);
CREATE INDEX IF NOT EXISTS requisites_by_url ON requisites (url, fresh_until);
CREATE INDEX IF NOT EXISTS requisites_by_via ON requisites (via, page_capture);

-- One row per screenshot (or failed attempt at one) of a capture, made from the archive.
CREATE TABLE IF NOT EXISTS views (
    id            INTEGER PRIMARY KEY,
    record_id     TEXT UNIQUE,            -- the urn:view: resource record; NULL when it failed
    url           TEXT NOT NULL,
    capture       INTEGER,                -- captures.id of the response it shows
    status        TEXT,                   -- ok | failed (NULL until its viewinfo is indexed)
    reason        TEXT,
    made_at       TEXT NOT NULL,
    mime          TEXT,
    warc_file     TEXT,
    warc_offset   INTEGER,
    warc_length   INTEGER
);
CREATE INDEX IF NOT EXISTS views_by_capture ON views (capture);
