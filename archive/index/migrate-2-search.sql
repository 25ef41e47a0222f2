-- Schema 1 -> 2: the text of each version, for `palimpsest search` (see schema.sql). The word
-- index beside it is each backend's own (search-sqlite.sql, search-postgres.sql). An upgraded
-- index holds no texts yet: `palimpsest reindex` fills them from the WARCs.
CREATE TABLE IF NOT EXISTS version_texts (
    version_id  INTEGER PRIMARY KEY,
    search_key  INTEGER NOT NULL UNIQUE,
    body        TEXT NOT NULL
);
