"""The sources an article cited, and whether each changed after the article cited it.

A citation is an article capture linking to a source (the `citations` table). The source
"changed after it was cited" when the source's own timeline shows an edit or a removal after the
capture of it nearest in time to the article's first citation: the text the article pointed at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.index import Capture, Citation, Index
from archive.timeutil import from_iso
from archive.versions.lifecycle import EDITED, REMOVED, Event, events, is_live


@dataclass
class CitedSource:
    """One source of one article."""

    url: str
    first_cited: str
    last_cited: str
    times_cited: int
    archived: bool               # the source was fetched at least once
    seen_hash: str | None        # the source's text when the article first cited it
    changes_after: list[Event] = field(default_factory=list)  # edits and removals since then
    title: str | None = None     # the source's latest headline
    seen_version: int | None = None    # version number of seen_hash
    latest_version: int | None = None  # version number of its latest text

    @property
    def changed_after_cited(self) -> bool:
        return bool(self.changes_after)


def cited_sources(index: Index, article_url: str) -> list[CitedSource]:
    """The sources `article_url` cited, in the order it first cited them."""
    grouped: dict[str, list[Citation]] = {}
    for citation in index.citations_from(article_url):
        grouped.setdefault(citation.source_url, []).append(citation)
    return [_source(index, url, citations) for url, citations in grouped.items()]


def _source(index: Index, url: str, citations: list[Citation]) -> CitedSource:
    first = min(citations, key=lambda c: (c.cited_at, c.id or 0))
    last_cited = max(c.cited_at for c in citations)
    captures = index.captures(url)
    seen = _seen_when_cited(captures, first)
    since = seen.fetched_at if seen is not None else first.cited_at
    later = [event for event in events(captures)
             if event.kind in (EDITED, REMOVED) and event.at > since]
    versions = index.versions(url)
    numbers = {version.text_hash: number for number, version in enumerate(versions, start=1)}
    latest = index.latest_text_capture(url)
    seen_hash = seen.text_hash if seen is not None else None
    return CitedSource(
        url, first.cited_at, last_cited, len(citations), bool(captures), seen_hash, later,
        title=latest.title if latest is not None else None,
        seen_version=numbers.get(seen_hash or ""),
        latest_version=numbers.get(latest.text_hash or "") if latest is not None else None)


def _seen_when_cited(captures: list[Capture], citation: Citation) -> Capture | None:
    """The source capture closest in time to a citation: the text the article pointed at.

    The source is usually fetched moments after the article that cites it, in the same crawl,
    or was fetched moments before because another article cited it first. (The index's
    `source_capture` link is not used: it points at the first capture indexed after the
    citation, which with extraction running in parallel can be the next crawl's.)
    """
    readable = [c for c in captures if c.extraction == "ok" and c.text_hash and is_live(c)]
    before = [c for c in readable if c.fetched_at <= citation.cited_at]
    after = [c for c in readable if c.fetched_at > citation.cited_at]
    if not before or not after:
        nearest = before[-1:] or after[:1]
        return nearest[0] if nearest else None
    cited = from_iso(citation.cited_at)
    gap_before = cited - from_iso(before[-1].fetched_at)
    gap_after = from_iso(after[0].fetched_at) - cited
    return before[-1] if gap_before <= gap_after else after[0]
