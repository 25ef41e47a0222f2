"""Where notifications come from: each event source reads the index for what happened since a
time and says it as `Notice`s. The filters a seed file may ask for (`events = [...]`) are the
tags the sources put on their notices.

Adding a kind of event is one class and one line: write a source with `filters` (the tags it
may give) and `notices(context, since)`, and append it to SOURCES. Its notices are then
filtered, logged, sent and shown by `notify --dry-run` like every other; a notice needs no
template of its own (its `facts`, `figures`, `links` and optional `diff` say everything).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Protocol

from archive.diff.figures import FigureChange
from archive.index import Capture, Index, Page
from archive.replay.urls import replay_url
from archive.report.model import slug_for
from archive.versions.changes import Change, page_changes
from archive.versions.edits import EditReader, UrlDiff
from archive.versions.lifecycle import EDITED, REMOVED, RESTORED

ARTICLE_ROLES = ("article",)


@dataclass(frozen=True)
class Notice:
    """One event, told the way a person reads it."""

    key: str                     # unique and stable (the delivery log's key): kind, URL, record
    kind: str                    # edited | removed | restored | source-changed | ...
    tags: frozenset[str]         # the filters it answers to
    at: str                      # when it was seen (index time)
    url: str
    title: str | None            # the page's headline
    summary: str                 # one line: "Figures revised", "Taken down (HTTP 404)"
    facts: tuple[str, ...] = ()  # short lines: words added and removed, which source changed
    figures: tuple[FigureChange, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (label, URL): report page, before, after
    diff: UrlDiff | None = field(default=None, compare=False)


@dataclass
class SourceContext:
    """What every event source may use."""

    index: Index
    reader: EditReader
    collection: str
    report_url: str | None = None   # the published report (links to its pages)
    replay_base: str | None = None

    def report_link(self, url: str) -> tuple[str, str] | None:
        if not self.report_url:
            return None
        return ("Report", f"{self.report_url}pages/{slug_for(url)}")

    def replay(self, capture: Capture) -> str:
        return replay_url(capture.collection, capture.fetched_at, capture.url, self.replay_base)

    def pages(self, roles: tuple[str, ...], since: str) -> list[Page]:
        """The collection's pages of these roles seen at or after `since`."""
        return [page for page in self.index.pages(self.collection)
                if page.role in roles and page.last_seen >= since]


class EventSource(Protocol):
    @property
    def filters(self) -> tuple[str, ...]: ...

    def notices(self, context: SourceContext, since: str) -> Iterable[Notice]: ...


def _edit_facts(diff: UrlDiff) -> tuple[str, ...]:
    inserted, deleted = diff.diff.words_changed()
    return (f"{inserted} word{'s' if inserted != 1 else ''} added, "
            f"{deleted} removed",)


def _edit_links(context: SourceContext, url: str, diff: UrlDiff) -> tuple[tuple[str, str], ...]:
    links = [link for link in [context.report_link(url)] if link]
    links += [("Before", context.replay(diff.old.capture)),
              ("After", context.replay(diff.new.capture))]
    return tuple(links)


class ArticleEdits:
    """Articles edited (`edits`), with revised figures (`figures`) or a new headline
    (`headlines`)."""

    filters = ("edits", "figures", "headlines")

    def notices(self, context: SourceContext, since: str) -> Iterable[Notice]:
        for page in context.pages(ARTICLE_ROLES, since):
            for change in page_changes(context.reader, page.url, page.role, _when(since)):
                if change.event.kind != EDITED or change.diff is None:
                    continue
                diff = change.diff
                tags = {"edits"}
                if diff.diff.figures:
                    tags.add("figures")
                if diff.diff.title is not None:
                    tags.add("headlines")
                summary = ("Figures revised" if diff.diff.figures else
                           "Headline changed" if diff.diff.title is not None else "Edited")
                yield Notice(f"edited {page.url} {change.event.capture.record_id}", EDITED,
                             frozenset(tags), change.event.at, page.url, change.title,
                             summary, _edit_facts(diff), tuple(diff.diff.figures),
                             _edit_links(context, page.url, diff), diff)


class Takedowns:
    """Articles taken down (404, 410) or restored (`takedowns`)."""

    filters = ("takedowns",)

    def notices(self, context: SourceContext, since: str) -> Iterable[Notice]:
        for page in context.pages(ARTICLE_ROLES, since):
            for change in page_changes(context.reader, page.url, page.role, _when(since)):
                event = change.event
                if event.kind not in (REMOVED, RESTORED):
                    continue
                word = "Taken down" if event.kind == REMOVED else "Restored"
                links = [link for link in [context.report_link(page.url)] if link]
                links.append(("Replay", context.replay(event.capture)))
                yield Notice(f"{event.kind} {page.url} {event.capture.record_id}", event.kind,
                             frozenset({"takedowns"}), event.at, page.url, change.title,
                             f"{word} (HTTP {event.capture.status})", (), (), tuple(links))


class CitedSourceChanges:
    """A source an article cited was edited or taken down after the article cited it
    (`sources`): one notice per article and change."""

    filters = ("sources",)

    def notices(self, context: SourceContext, since: str) -> Iterable[Notice]:
        for source in context.pages(("source",), since):
            changes = [c for c in page_changes(context.reader, source.url, source.role,
                                               _when(since))
                       if c.event.kind in (EDITED, REMOVED)]
            if not changes:
                continue
            citations = context.index.citations_of(source.url)
            for change in changes:
                citers: dict[str, str] = {}
                for citation in citations:
                    if citation.cited_at < change.event.at:
                        citers.setdefault(citation.article_url, citation.cited_at)
                for article_url, cited_at in sorted(citers.items()):
                    yield self._notice(context, article_url, cited_at, change)

    def _notice(self, context: SourceContext, article_url: str, cited_at: str,
                change: Change) -> Notice:
        source_url, event = change.url, change.event
        article = context.index.latest_text_capture(article_url)
        what = "was edited" if event.kind == EDITED else \
            f"was taken down (HTTP {event.capture.status})"
        facts = [f"Cited source {what}: {change.title or source_url}", source_url]
        links = [link for link in [context.report_link(article_url)] if link]
        diff = change.diff
        if diff is not None:
            facts += _edit_facts(diff)
            links += [("Source before", context.replay(diff.old.capture)),
                      ("Source after", context.replay(diff.new.capture))]
        else:
            links.append(("Source now", context.replay(event.capture)))
        return Notice(f"source {article_url} {event.capture.record_id}", "source-changed",
                      frozenset({"sources"}), event.at, article_url,
                      article.title if article is not None else None,
                      "A source it cited changed", tuple(facts),
                      tuple(diff.diff.figures) if diff is not None else (), tuple(links), diff)


class StaleFigures:
    """An article started or stopped showing a figure its cited source had revised, or got
    ahead of its source (`stale`; archive.versions.stale): one notice per finding opened and
    one per finding closed."""

    filters = ("stale",)

    def notices(self, context: SourceContext, since: str) -> Iterable[Notice]:
        from archive.timeutil import from_iso
        from archive.versions.stale import stale_events

        moment = from_iso(since) if since else from_iso("1970-01-01T00:00:00Z")
        for event in stale_events(context.reader, moment):
            finding = event.finding
            page = context.index.page(finding.article_url)
            if page is None or page.collection != context.collection:
                continue
            change = finding.revision.change
            opened = event.kind.endswith("-opened")
            if finding.kind == "stale":
                summary = (f"Still shows {finding.shown.figure.text}: its source revised it to "
                           f"{change.new}" if opened else
                           f"No longer stale ({finding.closed_because})")
            else:
                summary = (f"Ahead of its source: revised {change.old} to {change.new}, the "
                           "source still shows the old figure" if opened else
                           f"No longer ahead of its source ({finding.closed_because})")
            diff = finding.revision.diff
            links = [link for link in [context.report_link(finding.article_url)] if link]
            links += [("Revised: before", context.replay(diff.old.capture)),
                      ("Revised: after", context.replay(diff.new.capture)),
                      ("As it read", context.replay(finding.shown_capture))]
            yield Notice(f"{event.kind} {finding.id}", event.kind, frozenset({"stale"}),
                         event.at, finding.article_url,
                         finding.titles.get(finding.article_url), summary,
                         (finding.summary(), f"It reads: {finding.shown.context}"),
                         (change,), tuple(links))


def _when(since: str) -> datetime | None:
    from archive.timeutil import from_iso

    return from_iso(since) if since else None


# The event sources, in the order their notices are listed in a digest. Add yours here.
SOURCES: list[EventSource] = [ArticleEdits(), Takedowns(), CitedSourceChanges(),
                              StaleFigures()]
FILTERS: tuple[str, ...] = tuple(dict.fromkeys(f for s in SOURCES for f in s.filters))


def collect(context: SourceContext, since: str) -> list[Notice]:
    """Every notice of every source at or after `since`, oldest first, each key once."""
    found: dict[str, Notice] = {}
    for source in SOURCES:
        for notice in source.notices(context, since):
            if notice.at >= since:
                found.setdefault(notice.key, notice)
    return sorted(found.values(), key=lambda n: (n.at, n.key))


__all__ = ["Notice", "SourceContext", "EventSource", "SOURCES", "FILTERS", "collect"]
