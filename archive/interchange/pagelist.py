"""The page lists a WACZ carries: `pages.jsonl` (the articles) and `extraPages.jsonl` (sources).

One entry per version: the first capture in the export at which an article showed a text it did
not show just before, with that version's headline. A viewer such as ReplayWeb.page lists
these pages and opens each at its time, so a reader can step through the edits.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable

from archive.index import Capture, Index
from archive.timeutil import from_iso

PAGES_FORMAT = "json-pages-1.0"


def page_entry(capture: Capture) -> dict[str, Any]:
    """One line of a page list, for a capture with extracted text.

    >>> from archive.index import Capture
    >>> capture = Capture("http://a.example/x", "c", "2026-11-25T03:04:05.678901Z", "response",
    ...                   "<urn:uuid:1>", "c.warc.gz", 0, 10, title="Headline")
    >>> entry = page_entry(capture)
    >>> entry["url"], entry["ts"], entry["title"]
    ('http://a.example/x', '2026-11-25T03:04:05Z', 'Headline')
    """
    # Seconds, like the CDXJ the viewer looks captures up in.
    ts = from_iso(capture.fetched_at).strftime("%Y-%m-%dT%H:%M:%SZ")
    identity = hashlib.sha256(f"{capture.record_id} {capture.url}".encode()).hexdigest()[:24]
    entry = {"id": identity, "url": capture.url, "ts": ts, "title": capture.title or capture.url}
    if capture.text_hash:
        entry["text_hash"] = capture.text_hash
    return entry


def version_starts(captures: Iterable[Capture]) -> list[Capture]:
    """The captures (oldest first, per URL) whose text differs from the URL's capture before."""
    last_hash: dict[str, str] = {}
    starts = []
    for capture in captures:
        if capture.extraction != "ok" or not capture.text_hash:
            continue
        if last_hash.get(capture.url) != capture.text_hash:
            starts.append(capture)
        last_hash[capture.url] = capture.text_hash
    return starts


def page_lists(index: Index, collection: str, since: str | None,
               files: set[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(articles, sources) entries of a collection's versions, limited to captures in `files`."""
    roles = {page.url: page.role for page in index.pages(collection)}
    captures = [capture for capture in index.iter_captures(since)
                if capture.collection == collection and capture.warc_file in files]
    articles, sources = [], []
    for capture in version_starts(captures):
        role = roles.get(capture.url)
        if role == "article":
            articles.append(page_entry(capture))
        elif role == "source":
            sources.append(page_entry(capture))
    return articles, sources


def write_page_list(path: Path, list_id: str, title: str, entries: list[dict[str, Any]]) -> Path:
    """Write a page list: a header line, then one JSON object per page."""
    header = {"format": PAGES_FORMAT, "id": list_id, "title": title}
    with path.open("w", encoding="utf-8") as out:
        for item in (header, *entries):
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    return path
