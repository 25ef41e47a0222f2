"""What happened to a page over time, read from its captures: edited, removed, restored.

- *edited*: a successfully extracted capture whose text differs from the previous successfully
  extracted one (a return to an earlier text, A -> B -> A, is an edit too);
- *removed*: a 404 or 410 after the page had been live;
- *restored*: live again after being removed.

An extraction failure is neither an edit nor a removal: the page answered, only the extractor
could not read it. Redirects, server errors and refused fetches change nothing either: they say
nothing certain about the article.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from archive.index import Capture

EDITED, REMOVED, RESTORED = "edited", "removed", "restored"
GONE_STATUSES = frozenset({404, 410})


def taken_down(status: int | None) -> str:
    """The one wording for a page that answered 404 or 410, in every command and the report:
    `taken down (HTTP 404)`."""
    return f"taken down (HTTP {status})" if status else "taken down"


def takedowns(failures: dict[str, int]) -> str:
    """A crawl's failures by reason, its 404s and 410s said as takedowns:
    `taken down 1 (HTTP 404)`, or '' when there were none."""
    counts = [(status, failures.get(f"http-{status}", 0)) for status in sorted(GONE_STATUSES)]
    gone = [(status, count) for status, count in counts if count]
    if not gone:
        return ""
    return f"taken down {sum(count for _, count in gone)} (" + ", ".join(
        f"HTTP {status}" + (f" ×{count}" if len(gone) > 1 else "")
        for status, count in gone) + ")"


def describe(kind: str, status: int | None) -> str:
    """An event as people read it: `edited`, `taken down (HTTP 404)`, `restored (HTTP 200)`."""
    if kind == REMOVED:
        return taken_down(status)
    if kind == RESTORED:
        return f"restored (HTTP {status})" if status else "restored"
    return kind


@dataclass(frozen=True)
class Event:
    """One thing that happened to a page, at the capture that showed it."""

    kind: str  # edited | removed | restored
    url: str
    at: str
    capture: Capture
    old_hash: str | None = None  # for edits: the text before
    new_hash: str | None = None  # for edits: the text after
    # For headline edits (archive.versions.headlines): which headline, and its two values
    # (before and after; for an A/B test, the two headlines the page flips between).
    field: str | None = None
    old_headline: str | None = None
    new_headline: str | None = None


def is_live(capture: Capture) -> bool:
    """The page answered with content (2xx, a revisit of it, or 304 Not Modified)."""
    if capture.kind == "not-modified":
        return True
    return capture.status is not None and 200 <= capture.status < 300


def is_gone(capture: Capture) -> bool:
    return capture.status in GONE_STATUSES


def events(captures: Iterable[Capture]) -> list[Event]:
    """The events in a page's captures (which must be one URL's, oldest first)."""
    found: list[Event] = []
    state: str | None = None  # None (never live yet) | live | gone
    text_hash: str | None = None
    for capture in captures:
        if is_gone(capture):
            if state == "live":
                found.append(Event(REMOVED, capture.url, capture.fetched_at, capture))
                state = "gone"
            continue
        if not is_live(capture):
            continue
        if state == "gone":
            found.append(Event(RESTORED, capture.url, capture.fetched_at, capture))
        state = "live"
        if capture.extraction == "ok" and capture.text_hash:
            if text_hash is not None and capture.text_hash != text_hash:
                found.append(Event(EDITED, capture.url, capture.fetched_at, capture,
                                   text_hash, capture.text_hash))
            text_hash = capture.text_hash
    return found


def text_runs(captures: Iterable[Capture]) -> list[tuple[str, Capture]]:
    """The page's texts in the order it showed them, a repeat of the same text collapsed:
    (text hash, first capture showing it) for each run. A -> B -> A gives three runs."""
    runs: list[tuple[str, Capture]] = []
    for capture in captures:
        if capture.extraction == "ok" and capture.text_hash and is_live(capture):
            if not runs or runs[-1][0] != capture.text_hash:
                runs.append((capture.text_hash, capture))
    return runs
