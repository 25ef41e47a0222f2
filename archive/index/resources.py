"""Index rows about resources rather than pages: page requisites and screenshots.

A mixin of the SQLite backend (and so of PostgreSQL's, which reuses its queries): what each
page capture needed to render, how long a requisite's capture is reused, and the screenshots
made of captures. Rows come from WARC records only (archive/index/ingest.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

_OUTCOMES_SERVED = ("fetched", "revisit", "not-modified", "fresh")


@dataclass
class View:
    """A screenshot of a capture (or the reason there is none)."""

    url: str
    made_at: str
    status: str | None
    capture: int | None = None
    reason: str | None = None
    record_id: str | None = None
    mime: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None
    id: int | None = None


class ResourceRows:
    """Queries on the `requisites` and `views` tables (schema version 2)."""

    _x: Any

    # -- requisites ---------------------------------------------------------------------------

    def add_requisites(self, page_capture: int, rows: Iterable[dict[str, Any]]) -> None:
        """The requisites a page capture listed (idempotent: reindex adds them again)."""
        for row in rows:
            self._x("INSERT OR IGNORE INTO requisites (page_capture, url, kind, outcome, status, "
                    "via, fresh_until) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (page_capture, row["url"], row["kind"], row["outcome"], row.get("status"),
                     row.get("via"), row.get("fresh_until")))

    def requisite_fresh_until(self, url: str) -> str | None:
        """Until when the newest served capture of a requisite is reused (None: never listed)."""
        row = self._x("SELECT max(fresh_until) FROM requisites WHERE url = ? AND outcome IN "
                      "(?, ?, ?, ?)", (url, *_OUTCOMES_SERVED)).fetchone()
        return row[0] if row else None

    def requisite_children(self, stylesheet: str) -> list[tuple[str, str]]:
        """(url, kind) of what a stylesheet referred to when a page last listed it."""
        row = self._x("SELECT max(page_capture) FROM requisites WHERE via = ?",
                      (stylesheet,)).fetchone()
        if not row or row[0] is None:
            return []
        return [(r[0], r[1]) for r in self._x(
            "SELECT url, kind FROM requisites WHERE via = ? AND page_capture = ? ORDER BY url",
            (stylesheet, row[0]))]

    def requisites_of(self, page_capture: int) -> list[dict[str, Any]]:
        return [dict(r) for r in self._x(
            "SELECT url, kind, outcome, status, via, fresh_until FROM requisites "
            "WHERE page_capture = ? ORDER BY url", (page_capture,))]

    # -- views --------------------------------------------------------------------------------

    def add_view(self, view: View) -> None:
        """A screenshot record (status comes with its viewinfo), or a failed attempt."""
        fields = {k: v for k, v in view.__dict__.items() if k != "id"}
        columns = ", ".join(fields)
        marks = ", ".join(f":{name}" for name in fields)
        self._x(f"INSERT OR IGNORE INTO views ({columns}) VALUES ({marks})", fields)

    def link_view(self, record_id: str, capture: int, status: str,
                  reason: str | None = None) -> bool:
        """Tie a screenshot record to the capture it shows; False if it is not indexed."""
        cursor = self._x("UPDATE views SET capture = ?, status = ?, reason = ? "
                         "WHERE record_id = ?", (capture, status, reason, record_id))
        return bool(cursor.rowcount)

    def captures_without_view(self, since: str | None = None,
                              limit: int = 1000) -> list[dict[str, Any]]:
        """The first capture of every version (first seen since `since`) that has no
        screenshot and no recorded failure yet, oldest first: what `screenshots` renders."""
        sql = ("SELECT v.url AS url, c.id AS capture, c.record_id AS record_id, "
               "c.fetched_at AS fetched_at, c.collection AS collection FROM versions v "
               "JOIN captures c ON c.id = v.first_capture "
               "WHERE NOT EXISTS (SELECT 1 FROM views w WHERE w.capture = c.id)")
        params: list[Any] = []
        if since:
            sql += " AND v.first_seen >= ?"
            params.append(since)
        sql += " ORDER BY v.first_seen, v.id LIMIT ?"
        params.append(limit)
        return [dict(row) for row in self._x(sql, tuple(params))]

    def view_of(self, capture: int) -> View | None:
        """The newest screenshot of a capture (a failed attempt if that is all there is)."""
        row = self._x("SELECT * FROM views WHERE capture = ? ORDER BY (status = 'ok') DESC, "
                      "made_at DESC, id DESC LIMIT 1", (capture,)).fetchone()
        return View(**dict(row)) if row is not None else None
