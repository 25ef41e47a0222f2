-- The word index of version_texts on SQLite: FTS5, contentless (the words are folded tokens
-- of archive/index/textsearch.py, space-separated; the text itself is in version_texts), its
-- rowid the version's search_key. The `ascii` tokenizer only splits on ASCII spaces and
-- punctuation and keeps every other character inside a word, so no script is lost.
CREATE VIRTUAL TABLE IF NOT EXISTS version_words USING fts5(
    words, content='', tokenize='ascii', detail='full'
);
