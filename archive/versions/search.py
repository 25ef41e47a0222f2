"""`palimpsest search`: every version of every page whose text matches, and `--trace`: when a
phrase appeared in one page and when it left it.

The word index is the index's own (archive/index/search_rows.py, FTS5 or PostgreSQL); this adds
what a reader needs around each hit: a snippet, the version's number, its replay link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archive.exceptions import NotFoundError
from archive.index import Capture, Index
from archive.index.textsearch import Query, Snippet, contains, matches, parse_query, snippet
from archive.replay.urls import replay_base as resolve_base
from archive.replay.urls import replay_url
from archive.store.layout import DataLayout
from archive.versions.edits import EditReader
from archive.versions.lifecycle import text_runs
from archive.versions.lookup import lookup_url

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000


@dataclass
class SearchHit:
    """One version that matched."""

    url: str
    title: str | None
    text_hash: str
    version: int
    versions: int
    first_seen: str
    last_seen: str
    snippet: Snippet
    replay_url: str | None
    origin: str = "crawl"  # crawl | import: an imported version is another source's evidence

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "title": self.title, "text_hash": self.text_hash,
                "version": self.version, "versions": self.versions,
                "first_seen": self.first_seen, "last_seen": self.last_seen,
                "snippet": self.snippet.text, "marks": [list(m) for m in self.snippet.marks],
                "replay_url": self.replay_url, "origin": self.origin}


@dataclass
class SearchResult:
    query: Query
    hits: list[SearchHit]
    note: str | None = None  # why there may be fewer hits than expected


def search(index: Index, text: str, *, url_prefix: str | None = None, since: str | None = None,
           limit: int = DEFAULT_LIMIT, replay_base: str | None = None) -> SearchResult:
    """Versions whose headline or text hold every term of `text`, newest first."""
    query = parse_query(text)
    limit = max(1, min(limit, MAX_LIMIT))
    base = resolve_base(replay_base)
    found = index.search_versions(query, url_prefix=url_prefix, since=since, limit=limit)
    # Versions are numbered within their lineage (crawled here, or imported), as `history`
    # numbers them: an imported version never takes a number in the crawled history.
    numbers: dict[tuple[str, str], dict[str, int]] = {}
    hits = []
    for row in found:
        version = row.version
        lineage = (version.url, version.origin)
        if lineage not in numbers:
            numbers[lineage] = {v.text_hash: n for n, v in enumerate(
                index.versions(version.url, origin=version.origin), start=1)}
        first = index.capture_by_id(version.first_capture)
        hits.append(SearchHit(
            version.url, version.title, version.text_hash,
            numbers[lineage].get(version.text_hash, 0), len(numbers[lineage]),
            version.first_seen, version.last_seen,
            _snippet(query, version.title, row.body),
            _replay(first, base), version.origin))
    note = None
    if not hits and index.search_counts()["version_texts"] == 0 and index.counts()["versions"]:
        note = ("the index holds no texts to search yet (it was upgraded from an older "
                "Palimpsest): run `palimpsest reindex` once")
    return SearchResult(query, hits, note)


def _snippet(query: Query, title: str | None, body: str) -> Snippet:
    """Around the first match in the body; the headline when only it matched."""
    if matches(query, body) or not title:
        return snippet(query, body)
    return snippet(query, title)


def _replay(capture: Capture | None, base: str) -> str | None:
    if capture is None:
        return None
    return replay_url(capture.collection, capture.fetched_at, capture.url, base)


# -- --trace -------------------------------------------------------------------------------


@dataclass
class Stay:
    """One stretch of time during which the page showed the phrase."""

    appeared_at: str
    appeared_version: int
    appeared_replay: str
    last_seen_at: str           # the last capture still showing it
    left_at: str | None = None  # the first capture without it (None: still there)
    left_version: int | None = None
    left_replay: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"appeared_at": self.appeared_at, "appeared_version": self.appeared_version,
                "appeared_replay": self.appeared_replay, "last_seen_at": self.last_seen_at,
                "left_at": self.left_at, "left_version": self.left_version,
                "left_replay": self.left_replay}


@dataclass
class Trace:
    url: str
    phrase: str
    versions: int
    stays: list[Stay] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "phrase": self.phrase, "versions": self.versions,
                "stays": [stay.to_json() for stay in self.stays]}


def trace(index: Index, layout: DataLayout, phrase: str, url: str,
          replay_base: str | None = None) -> Trace:
    """When `phrase` (any query: words, "phrases", prefixes) appeared in the page at `url` and
    when it left, over the texts the page showed in the order it showed them."""
    query = parse_query(phrase)
    url = lookup_url(index, url)
    base = resolve_base(replay_base)
    versions = index.versions(url)
    numbers = {version.text_hash: n for n, version in enumerate(versions, start=1)}
    by_hash = {version.text_hash: version for version in versions}
    bodies = index.version_texts(url)
    reader = EditReader(index, layout)
    captures = index.captures(url)
    runs = text_runs(captures)
    if not runs:
        raise NotFoundError(f"no extracted version of {url}")
    result = Trace(url, phrase, len(versions))
    showing: Stay | None = None
    last_of_run = _last_captures(captures, runs)
    for (text_hash, first), last in zip(runs, last_of_run):
        version = by_hash.get(text_hash)
        if version is None:
            continue
        body = bodies.get(text_hash)
        if body is None:  # an index from before search: read the text from its WARC
            body = reader.text(url, version).text
        present = contains(query, f"{version.title or ''}\n{body}")
        if present and showing is None:
            showing = Stay(first.fetched_at, numbers[text_hash], _replay(first, base) or "",
                           last.fetched_at)
            result.stays.append(showing)
        elif present and showing is not None:
            showing.last_seen_at = last.fetched_at
        elif not present and showing is not None:
            showing.left_at = first.fetched_at
            showing.left_version = numbers[text_hash]
            showing.left_replay = _replay(first, base)
            showing = None
    return result


def _last_captures(captures: list[Capture], runs: list[tuple[str, Capture]]) -> list[Capture]:
    """For each run of one text, its last capture that showed that text."""
    lasts = []
    starts = [capture.id for _, capture in runs] + [None]
    position = {capture.id: n for n, capture in enumerate(captures)}
    for number, (text_hash, first) in enumerate(runs):
        end = position[starts[number + 1]] if starts[number + 1] is not None else len(captures)
        shown = [c for c in captures[position[first.id]:end]
                 if c.text_hash == text_hash and c.extraction == "ok"]
        lasts.append(shown[-1] if shown else first)
    return lasts
