-- Schema 1 -> 2: each version's language (archive/extract/language.py), which the diff needs
-- to read its figures (`2.783` is 2783 in Azerbaijani, 2.783 in English). Versions indexed
-- before have none until `palimpsest reindex` reads it from their pageinfo records (records
-- written before this release carry none: their figures are read as of unknown language).
ALTER TABLE versions ADD COLUMN language TEXT;
