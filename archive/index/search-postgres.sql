-- The word index of version_texts on PostgreSQL: a tsvector built from the tokens of
-- archive/index/textsearch.py (never by PostgreSQL's parser, whose letters depend on the
-- database's locale), under a GIN index; newest first walks search_key's index.
ALTER TABLE version_texts ADD COLUMN IF NOT EXISTS words tsvector;
CREATE INDEX IF NOT EXISTS version_texts_words ON version_texts USING gin (words);
