"""Rows of the index, shared by every backend.

The index is derived data: every row can be rebuilt from the WARC files (`palimpsest reindex`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Protocol

if TYPE_CHECKING:  # only names for annotations: these modules import this one
    from archive.index.deliveries import ChannelState
    from archive.index.search_rows import VersionText
    from archive.index.textsearch import Query

# The `origin` argument of the index's readers: None is the page's own lineage (crawled, if
# it ever was; else imported), ANY_ORIGIN both, or "crawl" / "import" one of them.
ANY_ORIGIN = "any"


@dataclass
class Capture:
    """A response or revisit record, and what extraction found in it."""

    url: str
    collection: str
    fetched_at: str
    kind: str  # response | revisit | not-modified
    record_id: str
    warc_file: str
    warc_offset: int
    warc_length: int
    status: int | None = None
    refers_to: str | None = None
    payload_digest: str | None = None
    mime: str | None = None
    truncated: str | None = None
    text_hash: str | None = None
    extraction: str | None = None
    title: str | None = None
    origin: str = "crawl"  # crawl | import: the lineage (archive/store/provenance.py)
    info_file: str | None = None  # the WARC file of the description that gave it its text
    id: int | None = None
    # The metadata headlines of its pageinfo record (schema 3); `title` is the visible one.
    social_title: str | None = None
    search_title: str | None = None
    structured_headline: str | None = None
    body_hash: str | None = None  # the body alone (schema 3): a headline A/B test keeps it

    @property
    def row_id(self) -> int:
        """The id of a capture the index holds (one not added yet has none)."""
        if self.id is None:
            raise ValueError(f"capture {self.record_id} is not in the index yet")
        return self.id

    def row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MetadataHeadlines:
    """A capture's headlines that readers of the page do not see (never hashed)."""

    social: str | None = None  # og:title
    search: str | None = None  # <title>
    structured: str | None = None  # JSON-LD headline


@dataclass
class Version:
    """A distinct text of a URL, identified by its text hash."""

    url: str
    text_hash: str
    first_seen: str
    last_seen: str
    first_capture: int
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    text_file: str | None = None
    text_offset: int | None = None
    text_length: int | None = None
    origin: str = "crawl"  # crawl | import: versions of the two lineages are never merged
    id: int | None = None
    language: str | None = None  # primary language subtag (schema 2), None if unknown


@dataclass
class Page:
    """What is known about a URL across all its captures."""

    url: str
    collection: str
    role: str
    first_seen: str
    last_seen: str
    state: str
    last_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_change: str | None = None
    next_due: str | None = None
    fetches: int = 0
    changes: int = 0
    origin: str = "crawl"  # crawl once any capture of it was crawled here, else import


@dataclass
class Citation:
    """An article capture citing a source URL; source_capture is the fetch it caused."""

    article_url: str
    article_capture: int
    source_url: str
    cited_at: str
    article_text_hash: str | None = None
    source_capture: int | None = None
    id: int | None = None


class Index(Protocol):
    """What callers may use of an index, whichever backend holds it (SQLite or PostgreSQL);
    both implement it with the same queries, those of archive/index/sql.py's SqlIndex.

    Writes happen inside `begin()` .. `commit()`; `batch_records` says how many records a
    writer may put in one transaction (PostgreSQL commits each group at once, so concurrent
    workers hold row locks only briefly).
    """

    readonly: bool
    batch_records: int

    # transactions and lifetime
    def begin(self) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def close(self) -> None: ...

    # captures
    def add_capture(self, capture: Capture) -> int: ...
    def capture_by_record(self, record_id: str) -> Capture | None: ...
    def capture_by_id(self, capture_id: int) -> Capture | None: ...
    def find_payload(self, url: str, payload_digest: str,
                     origin: str | None = None) -> Capture | None: ...
    def latest_text_capture(self, url: str, before: str | None = None,
                            origin: str | None = None) -> Capture | None: ...
    def latest_response(self, url: str, origin: str | None = None) -> Capture | None: ...
    def set_capture_text(self, capture_id: int, text_hash: str | None, extraction: str,
                         title: str | None, info_file: str | None = None) -> None: ...
    def set_capture_headlines(self, capture_id: int, headlines: MetadataHeadlines,
                              body_hash: str | None = None) -> None: ...
    def captures(self, url: str, origin: str | None = None) -> list[Capture]: ...
    def iter_captures(self, since: str | None = None) -> Iterator[Capture]: ...

    # versions
    def version(self, url: str, text_hash: str, origin: str | None = None) -> Version | None: ...
    def has_version(self, url: str, text_hash: str, origin: str | None = None) -> bool: ...
    def observe_version(self, url: str, text_hash: str, seen_at: str, capture_id: int,
                        title: str | None = None, byline: str | None = None,
                        published: str | None = None, origin: str = "crawl",
                        language: str | None = None) -> bool: ...
    def set_version_text(self, url: str, text_hash: str, filename: str, offset: int,
                         length: int, origin: str = "crawl") -> None: ...
    def versions(self, url: str, origin: str | None = None) -> list[Version]: ...
    def versions_since(self, since: str) -> list[Version]: ...

    # pages and scheduling inputs
    def page(self, url: str) -> Page | None: ...
    def pages(self, collection: str | None = None) -> list[Page]: ...
    def touch_page(self, url: str, collection: str, seen_at: str, status: int | None,
                   state: str, role: str = "other", etag: str | None = None,
                   last_modified: str | None = None, origin: str = "crawl") -> None: ...
    def set_page_role(self, url: str, role: str, origin: str = "crawl") -> None: ...
    def note_change(self, url: str, at: str, origin: str = "crawl") -> None: ...
    def set_next_due(self, url: str, due: str | None) -> None: ...
    def note_seed(self, url: str, seed: str, seen_at: str) -> None: ...
    def note_lastmod(self, url: str, lastmod: str, listed_at: str, listed_by: str) -> None: ...
    def schedule_rows(self, collection: str) -> list[dict[str, Any]]: ...

    # citations
    def add_citation(self, article_url: str, article_capture: int, text_hash: str | None,
                     source_url: str, cited_at: str) -> None: ...
    def link_pending_citations(self, source_url: str, source_capture: int, at: str,
                               origin: str = "crawl") -> None: ...
    def cited_links(self, record_id: str) -> list[str]: ...
    def citations_from(self, article_url: str) -> list[Citation]: ...
    def citations_of(self, source_url: str) -> list[Citation]: ...
    def cited_urls(self) -> list[str]: ...

    # page requisites and screenshots (archive/index/resources.py)
    def add_requisites(self, page_capture: int, rows: Iterable[dict[str, Any]]) -> None: ...
    def requisite_fresh_until(self, url: str) -> str | None: ...
    def requisite_children(self, stylesheet: str) -> list[tuple[str, str]]: ...
    def requisites_of(self, page_capture: int) -> list[dict[str, Any]]: ...
    def add_view(self, view: Any) -> None: ...
    def link_view(self, record_id: str, capture: int, status: str,
                  reason: str | None = None) -> bool: ...
    def view_of(self, capture: int) -> Any: ...
    def captures_without_view(self, since: str | None = None,
                              limit: int = 1000) -> list[dict[str, Any]]: ...

    # WARC file progress and status
    def indexed_to(self, filename: str) -> int: ...
    def set_indexed_to(self, filename: str, collection: str, offset: int) -> None: ...
    def warc_files(self) -> dict[str, int]: ...
    def counts(self) -> dict[str, int]: ...
    def schema_version(self) -> int | None: ...
    def describe(self) -> str: ...

    # version texts and search (archive/index/search_rows.py)
    def add_version_text(self, version: Version, body: str) -> bool: ...
    def search_versions(self, query: Query, *, url_prefix: str | None = None,
                        since: str | None = None, limit: int = 20) -> list[VersionText]: ...
    def version_texts(self, url: str) -> dict[str, str]: ...
    def search_counts(self) -> dict[str, int]: ...

    # the notification delivery log (archive/index/deliveries.py)
    def channel_state(self, channel: str, first_since: str) -> ChannelState: ...
    def channel_states(self) -> list[ChannelState]: ...
    def undelivered(self, channel: str, keys: Iterable[str], stale_before: str) -> set[str]: ...
    def claim(self, channel: str, events: Iterable[tuple[str, str]], claimer: str, now: str,
              stale_before: str) -> list[str]: ...
    def mark_sent(self, channel: str, keys: Iterable[str], claimer: str, at: str) -> None: ...
    def release(self, channel: str, keys: Iterable[str], claimer: str) -> None: ...
    def note_delivery(self, channel: str, at: str, error: str | None,
                      advance_since: str | None = None) -> None: ...
    def delivery_rows(self, channel: str | None = None) -> list[dict[str, Any]]: ...
    def copy_notify_state(self, other: Index) -> int: ...

    # The backend's own connection (sqlite3 or psycopg): verify reads raw rows through it.
    db: Any
