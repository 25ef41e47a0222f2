-- Schema 1 -> 2: provenance. Which lineage (crawled here, or imported) every capture, version
-- and page belongs to, and which file's description gave a capture its text.
-- Written for SQLite; PostgreSQL runs it through archive/index/postgres.py (pg_schema).
-- What this can derive from the old rows it does (a copied file's name has serial 00000);
-- versions that an import had merged into crawled ones cannot be told apart here: run
-- `palimpsest reindex` after upgrading an archive that imported files.

ALTER TABLE captures ADD COLUMN origin TEXT NOT NULL DEFAULT 'crawl';
ALTER TABLE captures ADD COLUMN info_file TEXT;
UPDATE captures SET origin = 'import'
    WHERE substr(warc_file, length(collection) + 19, 7) = '-00000-';

ALTER TABLE pages ADD COLUMN origin TEXT NOT NULL DEFAULT 'crawl';
UPDATE pages SET origin = 'import'
    WHERE NOT EXISTS (SELECT 1 FROM captures c WHERE c.url = pages.url AND c.origin = 'crawl');

-- A version is unique per lineage now: the table is made again (its ids are referenced
-- nowhere), each old row in the lineage of the capture that first showed it.
CREATE TABLE versions_v2 (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL,
    text_hash     TEXT NOT NULL,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    title         TEXT,
    byline        TEXT,
    published     TEXT,
    first_capture INTEGER NOT NULL,
    text_file     TEXT,
    text_offset   INTEGER,
    text_length   INTEGER,
    origin        TEXT NOT NULL DEFAULT 'crawl',
    UNIQUE (url, text_hash, origin)
);
INSERT INTO versions_v2 (url, text_hash, first_seen, last_seen, title, byline, published,
                         first_capture, text_file, text_offset, text_length, origin)
    SELECT v.url, v.text_hash, v.first_seen, v.last_seen, v.title, v.byline, v.published,
           v.first_capture, v.text_file, v.text_offset, v.text_length,
           coalesce((SELECT c.origin FROM captures c WHERE c.id = v.first_capture), 'crawl')
    FROM versions v ORDER BY v.id;
DROP TABLE versions;
ALTER TABLE versions_v2 RENAME TO versions;
CREATE INDEX IF NOT EXISTS versions_by_first_seen ON versions (first_seen);
