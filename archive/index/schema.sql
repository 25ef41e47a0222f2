-- Palimpsest index, schema version 3. Derived data: `palimpsest reindex` rebuilds it from the WARCs.
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
    changes       INTEGER NOT NULL DEFAULT 0,
    -- crawl: crawled here (the row is the crawl's: scheduling reads it); import: known from
    -- imports only (the row follows them until the first crawled capture takes it over)
    origin        TEXT NOT NULL DEFAULT 'crawl'
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
    title          TEXT,
    origin         TEXT NOT NULL DEFAULT 'crawl',  -- crawl | import (archive/store/provenance.py)
    info_file      TEXT,                  -- the WARC file of the description applied to it
    -- Schema 3: the metadata headlines (og:title, <title>, JSON-LD headline), never hashed;
    -- `title` is the visible headline the text hash covers (archive/extract/headlines.py).
    social_title        TEXT,
    search_title        TEXT,
    structured_headline TEXT,
    body_hash           TEXT              -- the body alone, without the headline (schema 3)
);
CREATE INDEX IF NOT EXISTS captures_by_url ON captures (url, fetched_at);
CREATE INDEX IF NOT EXISTS captures_by_digest ON captures (url, payload_digest);
CREATE INDEX IF NOT EXISTS captures_by_time ON captures (fetched_at);

-- One row per distinct text of a URL in each lineage (crawled here, imported): an import never
-- moves a crawled version's dates. A -> B -> A keeps two rows and moves A's last_seen.
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
    origin        TEXT NOT NULL DEFAULT 'crawl',
    language      TEXT,                   -- primary language subtag from the pageinfo record (v2)
    UNIQUE (url, text_hash, origin)
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

-- Schema version 2 ----------------------------------------------------------------------------

-- The text of each version, for `palimpsest search` (archive/index/textsearch.py): rebuilt from
-- the conversion records like every row above. search_key orders hits newest first in one
-- index walk: the version's first_seen in microseconds since 1970, times 1000, plus a
-- tie-break. The word index itself is the backend's own (search-sqlite.sql, search-postgres.sql).
CREATE TABLE IF NOT EXISTS version_texts (
    version_id  INTEGER PRIMARY KEY,
    search_key  INTEGER NOT NULL UNIQUE,
    body        TEXT NOT NULL
);

-- Notifications (archive/notify/). Not derived from the WARCs: `reindex` carries these rows
-- over into the index it rebuilds, so a rebuild neither repeats nor loses a message.
-- A channel receives the events at or after its `since` (set when it is first seen, so a new
-- channel is not sent the whole archive; moved forward after each delivery).
CREATE TABLE IF NOT EXISTS notify_channels (
    channel       TEXT PRIMARY KEY,
    since         TEXT NOT NULL,
    last_sent     TEXT,
    failing_since TEXT,
    last_error    TEXT
);
-- The delivery log: one row per event per channel, claimed before it is sent and marked sent
-- after, so overlapping runs never send one event twice and a crash between the two repeats
-- it at most once (a stale claim is taken over), never loses it.
CREATE TABLE IF NOT EXISTS notify_deliveries (
    id          INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL,
    event_key   TEXT NOT NULL,
    event_at    TEXT NOT NULL,
    state       TEXT NOT NULL,            -- claimed | sent
    claimed_by  TEXT NOT NULL,
    claimed_at  TEXT NOT NULL,
    sent_at     TEXT,
    UNIQUE (channel, event_key)
);

-- Page requisites and screenshots (migrate-2-requisites.sql).
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
