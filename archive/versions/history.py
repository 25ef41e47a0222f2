"""What the index knows about one URL: its captures, its versions, its text at a time.

A URL may have two histories: what was crawled here, and what imports brought in (WARC files of
other archives, dated by their own clocks). `history` shows both, each capture and version
marked with its lineage; `show` and the diffs read one: the crawled history when there is one,
else the imported one, never a "latest" made of both.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from archive.exceptions import NotFoundError
from archive.index import Capture, Index, Version
from archive.index.base import ANY_ORIGIN
from archive.replay.urls import replay_base as resolve_base
from archive.replay.urls import replay_url
from archive.store.layout import DataLayout
from archive.store.provenance import CRAWL_LINEAGE, IMPORT_LINEAGE
from archive.timeutil import to_iso
from archive.versions.headlines import capture_headlines, headline_changes, headline_event_json
from archive.versions.lookup import lookup_url
from archive.warc.reader import read_text


def history(index: Index, url: str, replay_base: str | None = None) -> dict[str, Any]:
    """`palimpsest history --json`: versions and captures of both lineages, oldest first;
    versions are numbered within their lineage.

    Each capture carries its `replay_url` under `replay_base` (see archive.replay.urls).
    """
    url = lookup_url(index, url)
    versions = index.versions(url, ANY_ORIGIN)
    captures = index.captures(url, ANY_ORIGIN)
    # Numbered within each origin: an import never renumbers the crawled history.
    numbers: dict[tuple[str, str | None], int] = {}
    counts: Counter[str] = Counter()
    for version in versions:
        counts[version.origin] += 1
        numbers[(version.origin, version.text_hash)] = counts[version.origin]
    files = {capture.id: capture.warc_file for capture in captures}
    replay_base = resolve_base(replay_base)  # once, not once per capture (the environment)
    lineage = page_lineage(index, url)
    own = [capture for capture in captures if capture.origin == lineage]
    return {
        "url": url,
        "versions": [version_json(version, numbers[(version.origin, version.text_hash)],
                                  files.get(version.first_capture)) for version in versions],
        "captures": [capture_json(capture, numbers.get((capture.origin, capture.text_hash)),
                                  replay_base) for capture in captures],
        # Metadata headline edits and headline A/B tests (archive.versions.headlines), of
        # the lineage `show` and the diffs read.
        "headline_changes": [headline_event_json(event) for event in headline_changes(own)],
    }


def version_json(version: Version, number: int, first_file: str | None = None) -> dict[str, Any]:
    return {
        "version": number,
        "text_hash": version.text_hash,
        "first_seen": version.first_seen,
        "last_seen": version.last_seen,
        "title": version.title,
        "byline": version.byline,
        "origin": version.origin,
        "imported_from": first_file if version.origin == IMPORT_LINEAGE else None,
    }


def capture_json(capture: Capture, version_number: int | None,
                 replay_base: str | None = None) -> dict[str, Any]:
    return {
        "fetched_at": capture.fetched_at,
        "status": capture.status,
        "kind": capture.kind,
        "text_hash": capture.text_hash,
        "version": version_number,
        "extraction": capture.extraction,
        "record_id": capture.record_id,
        "warc_file": capture.warc_file,
        "warc_offset": capture.warc_offset,
        "collection": capture.collection,
        "origin": capture.origin,
        "replay_url": replay_url(capture.collection, capture.fetched_at, capture.url,
                                 replay_base),
        "headlines": capture_headlines(capture) if capture.extraction == "ok" else None,
    }


@dataclass
class Snapshot:
    """The text of one version, and when it was current."""

    url: str
    version: Version
    capture: Capture
    text: str

    other_versions: int = 0  # versions of the other lineage, not shown

    @property
    def imported_from(self) -> str | None:
        """The WARC file an imported version's capture is in (None: crawled here)."""
        return self.capture.warc_file if self.version.origin == IMPORT_LINEAGE else None

    def to_json(self, replay_base: str | None = None) -> dict[str, Any]:
        return {
            "url": self.url,
            "text_hash": self.version.text_hash,
            "title": self.version.title,
            "byline": self.version.byline,
            "first_seen": self.version.first_seen,
            "last_seen": self.version.last_seen,
            "captured_at": self.capture.fetched_at,
            "replay_url": replay_url(self.capture.collection, self.capture.fetched_at,
                                     self.capture.url, replay_base),
            "text": self.text,
            "origin": self.version.origin,
            "imported_from": self.imported_from,
            "collection": self.capture.collection,
            "other_versions": self.other_versions,
            # The headlines of the capture shown: the visible one is the version's; the
            # metadata ones may have changed without the text (archive.versions.headlines).
            "headlines": capture_headlines(self.capture),
        }


def version_at(index: Index, layout: DataLayout, url: str, when: datetime | None = None,
               origin: str | None = None) -> Snapshot:
    """The version current at `when` (default: now): the last good capture at or before it,
    in one lineage (`origin`; default: the page's own, crawled if it ever was)."""
    url = lookup_url(index, url)
    lineage = origin or page_lineage(index, url)
    capture = index.latest_text_capture(url, before=to_iso(when) if when else None,
                                        origin=lineage)
    if capture is None:
        moment = f" at {to_iso(when)}" if when else ""
        which = "crawled" if lineage == CRAWL_LINEAGE else "imported"
        # Asked for a time before the page was first archived: say when that was.
        earliest = min((v.first_seen for v in index.versions(url, lineage)), default=None)
        since = f" (its first version was archived at {earliest})" if when and earliest else ""
        raise NotFoundError(f"no {which} extracted version of {url}{moment}{since}")
    version = index.version(url, capture.text_hash or "", lineage)
    if version is None or version.text_file is None or version.text_offset is None:
        raise NotFoundError(f"the text of {url} version {capture.text_hash} is not archived")
    first = index.capture_by_id(version.first_capture)
    collection = first.collection if first else capture.collection
    text = read_text(layout, collection, version.text_file, version.text_offset)
    others = len(index.versions(url, ANY_ORIGIN)) - len(index.versions(url, lineage))
    return Snapshot(url, version, capture, text, others)


def page_lineage(index: Index, url: str) -> str:
    """The lineage `show` and the diffs read for a URL: crawled here if it ever was."""
    page = index.page(url)
    return page.origin if page is not None else CRAWL_LINEAGE
