-- Schema 2 -> 3: each capture's body hash and metadata headlines (archive/extract/headlines.py), recorded
-- beside the visible headline the text hash covers, so a change to one of them alone is
-- reported as its own kind of edit (archive/versions/headlines.py). Captures indexed before
-- have none until `palimpsest reindex` reads them from their pageinfo records (records written
-- before this release carry none: no metadata headline edit is reported for them).
ALTER TABLE captures ADD COLUMN social_title TEXT;
ALTER TABLE captures ADD COLUMN search_title TEXT;
ALTER TABLE captures ADD COLUMN structured_headline TEXT;
-- The hash of the body alone, which tells a headline A/B test (the same body under two
-- headlines) from an edit that rewrote the headline with the body.
ALTER TABLE captures ADD COLUMN body_hash TEXT;
