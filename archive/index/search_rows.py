"""The text of each version and its word index: the query methods both backends share, and
the SQLite word index (FTS5). archive/index/postgres.py replaces the three methods that touch
the word index with PostgreSQL's full-text search; everything else runs on both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable

from archive.index.base import Version
from archive.index.textsearch import Query, fts5_match, search_tokens
from archive.timeutil import from_iso

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
SEARCH_DDL_SQLITE = "search-sqlite.sql"


@dataclass
class VersionText:
    """A version and its body text, as search returns them."""

    version: Version
    body: str


def search_key(first_seen: str, version_id: int) -> int:
    """A sortable integer for a version: newest first is this key, descending.

    >>> search_key("1970-01-01T00:00:01.000002Z", 1234)
    1000002234
    """
    micros = (from_iso(first_seen) - _EPOCH) // _MICROSECOND
    return micros * 1000 + version_id % 1000


_MICROSECOND = datetime.resolution


def url_range(prefix: str) -> tuple[str, str]:
    """Bounds [low, high) of the URLs that start with `prefix`, for an index range scan
    (byte order: SQLite's BINARY collation and the "C" collation on PostgreSQL).

    >>> url_range("https://a.example/news/")
    ('https://a.example/news/', 'https://a.example/news0')
    """
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _version(row: Any) -> Version:
    fields = dict(row)
    fields.pop("body", None)
    return Version(**fields)


class TextRows:
    """Mixed into SqlIndex (both backends): version texts and search."""

    _x: Any

    def _free_search_key(self, first_seen: str, version_id: int) -> int:
        key = search_key(first_seen, version_id)
        while self._x("SELECT 1 FROM version_texts WHERE search_key = ?", (key,)).fetchone():
            key += 1  # two versions first seen in the same microsecond: rare, never lost
        return key

    def add_version_text(self, version: Version, body: str) -> bool:
        """Keep the body of a version for search (once; True when it was new)."""
        if version.id is None:
            raise ValueError("the version has no id yet")
        if self._x("SELECT 1 FROM version_texts WHERE version_id = ?",
                   (version.id,)).fetchone():
            return False
        key = self._free_search_key(version.first_seen, version.id)
        self._x("INSERT INTO version_texts (version_id, search_key, body) VALUES (?, ?, ?)",
                (version.id, key, body))
        self._index_words(key, search_tokens(version.title, body), body)
        return True

    def _index_words(self, key: int, words: str, body: str) -> None:
        self._x("INSERT INTO version_words (rowid, words) VALUES (?, ?)", (key, words))

    def _search_rows(self, query: Query, where: str, params: list[Any],
                     limit: int) -> Iterable[Any]:
        rows: Iterable[Any] = self._x(
            "SELECT v.*, t.body AS body FROM version_words w "
            "JOIN version_texts t ON t.search_key = w.rowid "
            "JOIN versions v ON v.id = t.version_id "
            f"WHERE version_words MATCH ? {where} ORDER BY w.rowid DESC LIMIT ?",
            [fts5_match(query), *params, limit])
        return rows

    def search_versions(self, query: Query, *, url_prefix: str | None = None,
                        since: str | None = None, limit: int = 20) -> list[VersionText]:
        """Versions whose headline or text hold every term of `query`, newest first (by first
        seen); only URLs starting with `url_prefix`, only versions still shown at or after
        `since` (their last_seen)."""
        where, params = "", []
        if url_prefix:
            where += " AND v.url >= ? AND v.url < ?"
            params += list(url_range(url_prefix))
        if since:
            where += " AND v.last_seen >= ?"
            params.append(since)
        return [VersionText(_version(row), row["body"])
                for row in self._search_rows(query, where, params, limit)]

    def version_texts(self, url: str) -> dict[str, str]:
        """The body of every version of `url` the index holds, by text hash."""
        return {row[0]: row[1] for row in self._x(
            "SELECT v.text_hash, t.body FROM versions v JOIN version_texts t "
            "ON t.version_id = v.id WHERE v.url = ?", (url,))}

    def search_counts(self) -> dict[str, int]:
        return {"version_texts": self._x("SELECT count(*) FROM version_texts").fetchone()[0]}
