"""Rows of the index, shared by every backend.

The index is derived data: every row can be rebuilt from the WARC files (`palimpsest reindex`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


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
    id: int | None = None

    def row(self) -> dict:
        return asdict(self)


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
    id: int | None = None


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
