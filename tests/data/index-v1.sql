-- An index as Palimpsest wrote it at schema version 1 (the schema of that version, then a few
-- rows): one page crawled here and imported too, one page known only from an import. Used by
-- tests/test_index_upgrade.py to check that `palimpsest index upgrade` takes it to version 2.

-- Times are ISO 8601 UTC strings with microseconds and a Z, so they sort as text.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per URL ever captured.
CREATE TABLE IF NOT EXISTS pages (
    url           TEXT PRIMARY KEY,
    collection    TEXT NOT NULL,
    role          TEXT NOT NULL,          -- article | source | listing | feed | sitemap | other
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    last_status   INTEGER,
    state         TEXT NOT NULL,          -- live | gone | redirected | error
    etag          TEXT,
    last_modified TEXT,
    last_change   TEXT,                   -- when the text hash last changed
    next_due      TEXT,                   -- unused: due times are computed from history per run
    fetches       INTEGER NOT NULL DEFAULT 0,
    changes       INTEGER NOT NULL DEFAULT 0
);

-- One row per response or revisit record.
CREATE TABLE IF NOT EXISTS captures (
    id             INTEGER PRIMARY KEY,
    url            TEXT NOT NULL,
    collection     TEXT NOT NULL,
    fetched_at     TEXT NOT NULL,
    status         INTEGER,
    kind           TEXT NOT NULL,         -- response | revisit | not-modified
    record_id      TEXT NOT NULL UNIQUE,
    refers_to      TEXT,                  -- original record of a revisit
    payload_digest TEXT,
    mime           TEXT,
    warc_file      TEXT NOT NULL,
    warc_offset    INTEGER NOT NULL,
    warc_length    INTEGER NOT NULL,
    truncated      TEXT,
    text_hash      TEXT,                  -- from the metadata record, or inherited by a revisit
    extraction     TEXT,                  -- ok | failed | not-article | NULL (not extracted)
    title          TEXT
);
CREATE INDEX IF NOT EXISTS captures_by_url ON captures (url, fetched_at);
CREATE INDEX IF NOT EXISTS captures_by_digest ON captures (url, payload_digest);
CREATE INDEX IF NOT EXISTS captures_by_time ON captures (fetched_at);

-- One row per distinct text of a URL; A -> B -> A keeps two rows and moves A's last_seen.
CREATE TABLE IF NOT EXISTS versions (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL,
    text_hash     TEXT NOT NULL,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    title         TEXT,
    byline        TEXT,
    published     TEXT,
    first_capture INTEGER NOT NULL,
    text_file     TEXT,                   -- the conversion record holding the text
    text_offset   INTEGER,
    text_length   INTEGER,
    UNIQUE (url, text_hash)
);
CREATE INDEX IF NOT EXISTS versions_by_first_seen ON versions (first_seen);

-- Article capture -> source it cited; source_capture is the fetch made because of it.
CREATE TABLE IF NOT EXISTS citations (
    id                INTEGER PRIMARY KEY,
    article_url       TEXT NOT NULL,
    article_capture   INTEGER NOT NULL,
    article_text_hash TEXT,
    source_url        TEXT NOT NULL,
    source_capture    INTEGER,
    cited_at          TEXT NOT NULL,
    UNIQUE (article_capture, source_url)
);
CREATE INDEX IF NOT EXISTS citations_by_source ON citations (source_url);
CREATE INDEX IF NOT EXISTS citations_by_article ON citations (article_url);

-- How far each WARC file has been indexed, so a restart indexes only what is new.
CREATE TABLE IF NOT EXISTS warc_files (
    filename    TEXT PRIMARY KEY,
    collection  TEXT NOT NULL,
    indexed_to  INTEGER NOT NULL
);

-- The seed whose crawl last captured a page, so later runs revisit it under that seed's rules.
CREATE TABLE IF NOT EXISTS page_seeds (
    url      TEXT PRIMARY KEY,
    seed     TEXT NOT NULL,
    seen_at  TEXT NOT NULL
);

-- The newest date a feed or sitemap gave for a page (`updated`, `lastmod`): it pulls the page
-- forward when it is later than the page's last fetch (archive/schedule.py).
CREATE TABLE IF NOT EXISTS lastmods (
    url        TEXT PRIMARY KEY,
    lastmod    TEXT NOT NULL,
    listed_at  TEXT NOT NULL,
    listed_by  TEXT NOT NULL
);

INSERT INTO meta (key, value) VALUES ('schema_version', '1');
INSERT INTO pages (url, collection, role, first_seen, last_seen, last_status, state, fetches,
                   changes)
    VALUES ('http://harbour.example/a', 'test', 'article', '2026-11-03T09:30:00.000000Z',
            '2026-11-04T09:30:00.000000Z', 200, 'live', 2, 0),
           ('http://harbour.example/b', 'imported', 'article', '2026-10-01T08:00:00.000000Z',
            '2026-10-01T08:00:00.000000Z', 200, 'live', 1, 0);
INSERT INTO captures (id, url, collection, fetched_at, status, kind, record_id, warc_file,
                      warc_offset, warc_length, text_hash, extraction, title)
    VALUES (1, 'http://harbour.example/a', 'test', '2026-11-03T09:30:00.000000Z', 200,
            'response', '<urn:uuid:a1>', 'test-20261103093000000-00001.warc.gz', 400, 900,
            'sha256:aa', 'ok', 'A'),
           (2, 'http://harbour.example/a', 'imported', '2026-11-04T09:30:00.000000Z', 200,
            'response', '<urn:uuid:a2>', 'imported-20261105080000000-00000-theirs.warc.gz', 300,
            800, 'sha256:aa', 'ok', 'A'),
           (3, 'http://harbour.example/b', 'imported', '2026-10-01T08:00:00.000000Z', 200,
            'response', '<urn:uuid:b1>', 'imported-20261105080000000-00000-theirs.warc.gz', 1100,
            700, 'sha256:bb', 'ok', 'B');
INSERT INTO versions (id, url, text_hash, first_seen, last_seen, title, first_capture)
    VALUES (1, 'http://harbour.example/a', 'sha256:aa', '2026-11-03T09:30:00.000000Z',
            '2026-11-04T09:30:00.000000Z', 'A', 1),
           (2, 'http://harbour.example/b', 'sha256:bb', '2026-10-01T08:00:00.000000Z',
            '2026-10-01T08:00:00.000000Z', 'B', 3);
