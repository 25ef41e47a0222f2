"""What the index knows about one URL: its captures, its versions, its text at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from archive.exceptions import NotFoundError
from archive.index import Capture, Index, Version
from archive.net.urls import UnsafeURLError, canonical_url
from archive.replay.urls import replay_base as resolve_base
from archive.replay.urls import replay_url
from archive.store.layout import DataLayout
from archive.timeutil import to_iso
from archive.warc.reader import read_text


def lookup_url(index: Index, url: str) -> str:
    """The URL as the index knows it: as given, else in canonical form."""
    if index.page(url) is not None:
        return url
    try:
        canonical = canonical_url(url)
    except UnsafeURLError as exc:
        raise NotFoundError(f"{url}: {exc}") from None
    if index.page(canonical) is None:
        raise NotFoundError(f"nothing archived for {url}")
    return canonical


def history(index: Index, url: str, replay_base: str | None = None) -> dict:
    """`palimpsest history --json`: versions and captures, oldest first.

    Each capture carries its `replay_url` under `replay_base` (see archive.replay.urls).
    """
    url = lookup_url(index, url)
    versions = index.versions(url)
    numbers = {version.text_hash: number for number, version in enumerate(versions, start=1)}
    replay_base = resolve_base(replay_base)  # once, not once per capture (the environment)
    return {
        "url": url,
        "versions": [version_json(version, numbers[version.text_hash]) for version in versions],
        "captures": [capture_json(capture, numbers.get(capture.text_hash), replay_base)
                     for capture in index.captures(url)],
    }


def version_json(version: Version, number: int) -> dict:
    return {
        "version": number,
        "text_hash": version.text_hash,
        "first_seen": version.first_seen,
        "last_seen": version.last_seen,
        "title": version.title,
        "byline": version.byline,
    }


def capture_json(capture: Capture, version_number: int | None,
                 replay_base: str | None = None) -> dict:
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
        "replay_url": replay_url(capture.collection, capture.fetched_at, capture.url,
                                 replay_base),
    }


@dataclass
class Snapshot:
    """The text of one version, and when it was current."""

    url: str
    version: Version
    capture: Capture
    text: str

    def to_json(self, replay_base: str | None = None) -> dict:
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
        }


def version_at(index: Index, layout: DataLayout, url: str,
               when: datetime | None = None) -> Snapshot:
    """The version current at `when` (default: now): the last good capture at or before it."""
    url = lookup_url(index, url)
    capture = index.latest_text_capture(url, before=to_iso(when) if when else None)
    if capture is None:
        moment = f" at {to_iso(when)}" if when else ""
        raise NotFoundError(f"no extracted version of {url}{moment}")
    version = index.version(url, capture.text_hash)
    if version is None or version.text_file is None:
        raise NotFoundError(f"the text of {url} version {capture.text_hash} is not archived")
    first = index.capture_by_id(version.first_capture)
    collection = first.collection if first else capture.collection
    text = read_text(layout, collection, version.text_file, version.text_offset)
    return Snapshot(url, version, capture, text)
