"""The index's queries, written once for both backends: `SqlIndex`, the base of SqliteIndex
and PostgresIndex.

Every statement is written in SQLite's spelling; PostgreSQL runs the same text after the few
mechanical rewrites of archive/index/dialect.py, so a query added here serves both backends
(tests/test_index_contract.py runs every one on both). So do the version texts and search
(archive/index/search_rows.py, whose word index is SQLite's FTS5 unless the backend replaces
it, as PostgresIndex does) and the notification delivery log (archive/index/deliveries.py),
mixed in here. What differs, each backend supplies: its connection (`db`) and how a statement
runs on it (`_x`), the statement that opens a writer transaction (`BEGIN`), whether a busy
database is waited for (`_retry`), where it lives (`describe`) and its schema
(`schema_version`, `upgrade`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable, Iterator, TypeVar

from archive.index.base import ANY_ORIGIN, Capture, Citation, MetadataHeadlines, Page, Version
from archive.index.deliveries import DeliveryLog
from archive.index.resources import ResourceRows
from archive.index.rowcheck import readable
from archive.index.search_rows import TextRows

_T = TypeVar("_T")


def _rows(cursor: Any, cls: type[_T]) -> list[_T]:
    """The rows as `cls`, leaving out any that does not read (reported by `verify`)."""
    return [item for item in (readable(cls, dict(row)) for row in cursor.fetchall())
            if item is not None]


def _one(cursor: Any, cls: type[_T]) -> _T | None:
    """The first row that reads (queries for "the latest" ask for a few: a row that does not
    read is passed over, never returned or allowed to hide the ones behind it)."""
    for row in cursor:
        item = readable(cls, dict(row))
        if item is not None:
            return item
    return None


# A statement's parameters: by position or by name.
Params = tuple[Any, ...] | dict[str, Any] | list[Any]


def _lineage(origin: str | None, url: str) -> tuple[str, tuple[Any, ...]]:
    """The condition that keeps one lineage of `url`'s rows (see base.ANY_ORIGIN)."""
    if origin == ANY_ORIGIN:
        return "", ()
    if origin is None:  # the page's own: crawled if it ever was, else imported
        return (" AND origin = coalesce((SELECT p.origin FROM pages p WHERE p.url = ?), "
                "'crawl')", (url,))
    return " AND origin = ?", (origin,)


class SqlIndex(TextRows, DeliveryLog, ResourceRows, ABC):
    """Pages, captures, versions and citations in SQL tables (archive/index/schema.sql)."""

    BEGIN = "BEGIN"  # how a writer transaction starts
    batch_records: int  # records per writer transaction (archive/archiver.py)
    readonly: bool
    db: Any  # the backend's connection: rows read by name and by position
    _in_tx: bool = False

    # -- what each backend supplies ------------------------------------------------------------

    @abstractmethod
    def _x(self, sql: str, params: Params = ()) -> Any:
        """Run one statement (written for SQLite) and return its cursor."""

    @abstractmethod
    def describe(self) -> str:
        """Where this index lives, for messages and `palimpsest index status`."""

    @abstractmethod
    def schema_version(self) -> int | None:
        """The schema version recorded in the index, or None if it has none."""

    @abstractmethod
    def upgrade(self) -> tuple[int | None, int]:
        """Create the schema or apply the migrations it lacks; (version before, after)."""

    def _retry(self, action: Callable[[], Any]) -> Any:
        """Run `action`; a backend whose database can be busy retries it (SqliteIndex)."""
        return action()

    # -- transactions -------------------------------------------------------------------------

    def begin(self) -> None:
        """Start the writer transaction (a no-op when one is open)."""
        if not self._in_tx:
            self._retry(lambda: self.db.execute(self.BEGIN))
            self._in_tx = True

    def commit(self) -> None:
        """Commit the writer transaction, if any."""
        if self._in_tx:
            self._retry(lambda: self.db.execute("COMMIT"))
            self._in_tx = False

    def rollback(self) -> None:
        if self._in_tx:
            self.db.execute("ROLLBACK")
            self._in_tx = False

    def close(self) -> None:
        try:
            self.commit()
        finally:
            self.db.close()

    # -- captures -----------------------------------------------------------------------------

    def add_capture(self, capture: Capture) -> int:
        """Insert a capture row (idempotent on record_id) and return its id."""
        fields = capture.row()
        fields.pop("id", None)
        columns = ", ".join(fields)
        marks = ", ".join(f":{name}" for name in fields)
        self._x(f"INSERT OR IGNORE INTO captures ({columns}) VALUES ({marks})", fields)
        return int(self._x("SELECT id FROM captures WHERE record_id = ?",
                           (capture.record_id,)).fetchone()[0])

    def capture_by_record(self, record_id: str) -> Capture | None:
        return _one(self._x("SELECT * FROM captures WHERE record_id = ?", (record_id,)), Capture)

    def capture_by_id(self, capture_id: int) -> Capture | None:
        return _one(self._x("SELECT * FROM captures WHERE id = ?", (capture_id,)), Capture)

    def find_payload(self, url: str, payload_digest: str,
                     origin: str | None = None) -> Capture | None:
        """The earliest full response of `url` with this payload digest (a revisit's target)."""
        where, params = _lineage(origin, url)
        return _one(self._x(
            "SELECT * FROM captures WHERE url = ? AND payload_digest = ? AND kind = 'response' "
            f"AND truncated IS NULL{where} ORDER BY fetched_at LIMIT 16",
            (url, payload_digest, *params)), Capture)

    def latest_text_capture(self, url: str, before: str | None = None,
                            origin: str | None = None) -> Capture | None:
        """The newest capture of `url` whose text was extracted successfully."""
        sql = "SELECT * FROM captures WHERE url = ? AND extraction = 'ok'"
        params: list[Any] = [url]
        if before is not None:
            sql += " AND fetched_at <= ?"
            params.append(before)
        where, more = _lineage(origin, url)
        return _one(self._x(sql + where + " ORDER BY fetched_at DESC, id DESC LIMIT 16",
                            [*params, *more]), Capture)

    def latest_response(self, url: str, origin: str | None = None) -> Capture | None:
        """The newest full 2xx response of `url` (the target of a server-not-modified revisit)."""
        where, params = _lineage(origin, url)
        return _one(self._x(
            "SELECT * FROM captures WHERE url = ? AND kind = 'response' AND status BETWEEN 200 "
            f"AND 299{where} ORDER BY fetched_at DESC, id DESC LIMIT 16", (url, *params)),
            Capture)

    def set_capture_text(self, capture_id: int, text_hash: str | None, extraction: str,
                         title: str | None, info_file: str | None = None) -> None:
        self._x("UPDATE captures SET text_hash = ?, extraction = ?, title = ?, info_file = ? "
                "WHERE id = ?", (text_hash, extraction, title, info_file, capture_id))

    def set_capture_headlines(self, capture_id: int, headlines: MetadataHeadlines,
                              body_hash: str | None = None) -> None:
        """Record a capture's metadata headlines and body hash (schema 3), as its pageinfo
        gave them."""
        self._x("UPDATE captures SET social_title = ?, search_title = ?, "
                "structured_headline = ?, body_hash = ? WHERE id = ?",
                (headlines.social, headlines.search, headlines.structured, body_hash,
                 capture_id))

    def captures(self, url: str, origin: str | None = None) -> list[Capture]:
        """Every capture of `url` (of one lineage, see base.ANY_ORIGIN), oldest first."""
        where, params = _lineage(origin, url)
        return _rows(self._x(f"SELECT * FROM captures WHERE url = ?{where} "
                             "ORDER BY fetched_at, id", (url, *params)), Capture)

    def iter_captures(self, since: str | None = None) -> Iterator[Capture]:
        sql = "SELECT * FROM captures"
        params: tuple[str, ...] = ()
        if since:
            sql, params = sql + " WHERE fetched_at >= ?", (since,)
        for row in self._x(sql + " ORDER BY fetched_at, id", params):
            capture = readable(Capture, dict(row))
            if capture is not None:
                yield capture

    # -- versions -----------------------------------------------------------------------------

    def version(self, url: str, text_hash: str, origin: str | None = None) -> Version | None:
        where, params = _lineage(origin, url)
        return _one(self._x(f"SELECT * FROM versions WHERE url = ? AND text_hash = ?{where} "
                            "ORDER BY id LIMIT 16", (url, text_hash, *params)), Version)

    def has_version(self, url: str, text_hash: str, origin: str | None = None) -> bool:
        where, params = _lineage(origin, url)
        return self._x(f"SELECT 1 FROM versions WHERE url = ? AND text_hash = ?{where}",
                       (url, text_hash, *params)).fetchone() is not None

    def observe_version(self, url: str, text_hash: str, seen_at: str, capture_id: int,
                        title: str | None = None, byline: str | None = None,
                        published: str | None = None, origin: str = "crawl",
                        language: str | None = None) -> bool:
        """Record that `url` showed `text_hash` at `seen_at` in one lineage; True when the
        hash is new there."""
        existing = self.version(url, text_hash, origin)
        if existing is None:
            self._x(
                "INSERT INTO versions (url, text_hash, first_seen, last_seen, title, byline, "
                "published, first_capture, origin, language) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (url, text_hash, seen_at, seen_at, title, byline, published, capture_id,
                 origin, language))
            return True
        self._x("UPDATE versions SET first_seen = min(first_seen, ?), "
                "last_seen = max(last_seen, ?) WHERE id = ?", (seen_at, seen_at, existing.id))
        return False

    def set_version_text(self, url: str, text_hash: str, filename: str, offset: int,
                         length: int, origin: str = "crawl") -> None:
        self._x("UPDATE versions SET text_file = ?, text_offset = ?, text_length = ? "
                "WHERE url = ? AND text_hash = ? AND origin = ? AND text_file IS NULL",
                (filename, offset, length, url, text_hash, origin))

    def versions(self, url: str, origin: str | None = None) -> list[Version]:
        """Distinct texts of `url` (of one lineage, see base.ANY_ORIGIN), in order of first
        appearance."""
        where, params = _lineage(origin, url)
        return _rows(self._x(f"SELECT * FROM versions WHERE url = ?{where} "
                             "ORDER BY first_seen, id", (url, *params)), Version)

    def versions_since(self, since: str) -> list[Version]:
        return _rows(self._x("SELECT * FROM versions WHERE first_seen >= ? "
                             "ORDER BY first_seen, id", (since,)), Version)

    # -- pages --------------------------------------------------------------------------------

    def page(self, url: str) -> Page | None:
        return _one(self._x("SELECT * FROM pages WHERE url = ?", (url,)), Page)

    def pages(self, collection: str | None = None) -> list[Page]:
        if collection is None:
            return _rows(self._x("SELECT * FROM pages ORDER BY url"), Page)
        return _rows(self._x("SELECT * FROM pages WHERE collection = ? ORDER BY url",
                             (collection,)), Page)

    def touch_page(self, url: str, collection: str, seen_at: str, status: int | None,
                   state: str, role: str = "other", etag: str | None = None,
                   last_modified: str | None = None, origin: str = "crawl") -> None:
        """Note a capture of `url`: create the page or move its last-seen state forward.

        The row is its lineage's: an imported capture never touches a page crawled here (its
        dates and validators are what scheduling reads), and the first crawled capture of a
        page known only from imports takes the row over, starting it afresh."""
        same = "pages.origin = excluded.origin"
        self._x(
            "INSERT INTO pages (url, collection, role, first_seen, last_seen, last_status, state,"
            " etag, last_modified, fetches, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) "
            "ON CONFLICT(url) DO UPDATE SET "
            f"fetches = CASE WHEN {same} THEN pages.fetches + 1 ELSE 1 END, "
            f"collection = CASE WHEN {same} THEN pages.collection ELSE excluded.collection END, "
            f"role = CASE WHEN {same} THEN pages.role ELSE excluded.role END, "
            f"changes = CASE WHEN {same} THEN pages.changes ELSE 0 END, "
            f"last_change = CASE WHEN {same} THEN pages.last_change ELSE NULL END, "
            f"first_seen = CASE WHEN {same} THEN min(pages.first_seen, excluded.first_seen) "
            "  ELSE excluded.first_seen END, "
            f"last_status = CASE WHEN NOT {same} OR excluded.last_seen >= pages.last_seen "
            "  THEN excluded.last_status ELSE pages.last_status END, "
            f"state = CASE WHEN NOT {same} OR excluded.last_seen >= pages.last_seen "
            "  THEN excluded.state ELSE pages.state END, "
            f"etag = CASE WHEN NOT {same} THEN excluded.etag WHEN excluded.last_seen >= "
            "  pages.last_seen AND excluded.etag IS NOT NULL THEN excluded.etag "
            "  ELSE pages.etag END, "
            f"last_modified = CASE WHEN NOT {same} THEN excluded.last_modified "
            "  WHEN excluded.last_seen >= pages.last_seen AND excluded.last_modified IS NOT NULL "
            "  THEN excluded.last_modified ELSE pages.last_modified END, "
            f"last_seen = CASE WHEN {same} THEN max(pages.last_seen, excluded.last_seen) "
            "  ELSE excluded.last_seen END, "
            "origin = excluded.origin "
            f"WHERE {same} OR excluded.origin = 'crawl'",
            (url, collection, role, seen_at, seen_at, status, state, etag, last_modified,
             origin))

    def set_page_role(self, url: str, role: str, origin: str = "crawl") -> None:
        """Set a page's role; article outranks source, which outranks the rest. Only a
        description of the page's own lineage does: an import never re-roles a crawled page."""
        self._x("UPDATE pages SET role = ? WHERE url = ? AND origin = ? AND (role NOT IN "
                "('article', 'source') OR (role = 'source' AND ? = 'article'))",
                (role, url, origin, role))

    def note_change(self, url: str, at: str, origin: str = "crawl") -> None:
        self._x("UPDATE pages SET changes = changes + 1, last_change = max(coalesce(last_change,"
                " ''), ?) WHERE url = ? AND origin = ?", (at, url, origin))

    def set_next_due(self, url: str, due: str | None) -> None:
        self._x("UPDATE pages SET next_due = ? WHERE url = ?", (due, url))

    # -- scheduling inputs ------------------------------------------------------------------

    def note_seed(self, url: str, seed: str, seen_at: str) -> None:
        """Remember the seed under which `url` was captured (the latest capture wins)."""
        self._x("INSERT INTO page_seeds (url, seed, seen_at) VALUES (?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET seed = excluded.seed, seen_at = excluded.seen_at "
                "WHERE excluded.seen_at >= page_seeds.seen_at", (url, seed, seen_at))

    def note_lastmod(self, url: str, lastmod: str, listed_at: str, listed_by: str) -> None:
        """Remember the newest date a feed or sitemap gave for `url`."""
        self._x("INSERT INTO lastmods (url, lastmod, listed_at, listed_by) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET lastmod = excluded.lastmod, "
                "listed_at = excluded.listed_at, listed_by = excluded.listed_by "
                "WHERE excluded.lastmod > lastmods.lastmod", (url, lastmod, listed_at, listed_by))

    def schedule_rows(self, collection: str) -> list[dict[str, Any]]:
        """Every page a collection crawled, with what scheduling needs: its page row, the seed
        it was captured under and the newest feed or sitemap date given for it. Pages known
        only from imports are not the crawl's: imported time is evidence, never the schedule."""
        return [dict(row) for row in self._x(
            "SELECT p.*, s.seed AS seed, m.lastmod AS lastmod FROM pages p "
            "LEFT JOIN page_seeds s ON s.url = p.url LEFT JOIN lastmods m ON m.url = p.url "
            "WHERE p.collection = ? AND p.origin = 'crawl' ORDER BY p.url", (collection,))]

    # -- citations ----------------------------------------------------------------------------

    def add_citation(self, article_url: str, article_capture: int, text_hash: str | None,
                     source_url: str, cited_at: str) -> None:
        # The source may already have been captured after the citation was made (extraction
        # runs in parallel with the fetch it causes): link the earliest such capture now, of
        # the citing capture's own lineage.
        self._x("INSERT OR IGNORE INTO citations (article_url, article_capture, "
                "article_text_hash, source_url, cited_at, source_capture) VALUES (?, ?, ?, ?, ?, "
                "(SELECT id FROM captures WHERE url = ? AND fetched_at >= ? AND origin = "
                " (SELECT k.origin FROM captures k WHERE k.id = ?) "
                " ORDER BY fetched_at, id LIMIT 1))",
                (article_url, article_capture, text_hash, source_url, cited_at, source_url,
                 cited_at, article_capture))

    def link_pending_citations(self, source_url: str, source_capture: int, at: str,
                               origin: str = "crawl") -> None:
        """Point citations of `source_url` made at or before `at`, and not yet linked, at this
        capture of the source: the first capture after a citation is the one it caused. Only
        citations of the capture's own lineage: an imported capture answers no crawled one."""
        self._x("UPDATE citations SET source_capture = ? WHERE source_url = ? "
                "AND source_capture IS NULL AND cited_at <= ? AND (SELECT k.origin FROM "
                "captures k WHERE k.id = citations.article_capture) = ?",
                (source_capture, source_url, at, origin))

    def cited_links(self, record_id: str) -> list[str]:
        """The sources the capture with this record ID cited, in the order it cited them."""
        return [row[0] for row in self._x(
            "SELECT c.source_url FROM citations c JOIN captures k ON k.id = c.article_capture "
            "WHERE k.record_id = ? ORDER BY c.id", (record_id,))]

    # Citations made by captures of the citing page's own lineage (see base.ANY_ORIGIN).
    _CITING_LINEAGE = ("AND (SELECT k.origin FROM captures k WHERE k.id = "
                       "citations.article_capture) = coalesce((SELECT p.origin FROM pages p "
                       "WHERE p.url = citations.article_url), 'crawl') ")

    def citations_from(self, article_url: str) -> list[Citation]:
        return _rows(self._x("SELECT * FROM citations WHERE article_url = ? "
                             f"{self._CITING_LINEAGE}ORDER BY cited_at, id", (article_url,)),
                     Citation)

    def citations_of(self, source_url: str) -> list[Citation]:
        return _rows(self._x("SELECT * FROM citations WHERE source_url = ? "
                             f"{self._CITING_LINEAGE}ORDER BY cited_at, id", (source_url,)),
                     Citation)

    def cited_urls(self) -> list[str]:
        """Every URL some article capture cited, in URL order."""
        return [row[0] for row in self._x(
            "SELECT DISTINCT source_url FROM citations ORDER BY source_url")]

    # -- WARC file progress -------------------------------------------------------------------

    def indexed_to(self, filename: str) -> int:
        row = self._x("SELECT indexed_to FROM warc_files WHERE filename = ?",
                      (filename,)).fetchone()
        return row[0] if row else 0

    def set_indexed_to(self, filename: str, collection: str, offset: int) -> None:
        self._x("INSERT INTO warc_files (filename, collection, indexed_to) VALUES (?, ?, ?) "
                "ON CONFLICT(filename) DO UPDATE SET indexed_to = max(warc_files.indexed_to, "
                "excluded.indexed_to)", (filename, collection, offset))

    def warc_files(self) -> dict[str, int]:
        return {row[0]: row[1] for row in self._x("SELECT filename, indexed_to FROM warc_files")}

    def counts(self) -> dict[str, int]:
        """Row counts per table, for status output and tests."""
        return {table: self._x(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("pages", "captures", "versions", "citations")}
