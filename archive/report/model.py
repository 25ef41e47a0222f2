"""What the report says, gathered from the index before anything is rendered.

A page gets its own report page when it was edited, removed or restored in the period, when it
is an article whose cited source changed after the article cited it (in the period), or when it
is a changed source such an article cited.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from archive.diff.engine import FieldChange
from archive.diff.figures import FigureChange, merge_figure_changes
from archive.index import Capture, Page
from archive.progress import Report, tracked
from archive.replay.urls import replay_url
from archive.report.citations import CitedSource, cited_sources
from archive.report.timeline import Timeline, build_timeline
from archive.timeutil import to_iso
from archive.versions.changes import REPORTED_ROLES, Change, page_changes
from archive.versions.edits import EditReader, Side, UrlDiff
from archive.versions.headlines import HEADLINE_KINDS
from archive.versions.lifecycle import EDITED, REMOVED, RESTORED, Event, events
from archive.versions.stale import Finding, stale_findings

PAGES_DIR = "pages"


@dataclass
class CaptureRow:
    """A capture as the report lists it, with the link to replay it."""

    capture: Capture
    version: int | None
    replay: str


@dataclass(frozen=True)
class Headline:
    """A headline as long as it stood: from when, over which versions, and how it changed."""

    since: str
    title: str | None
    versions: list[int]
    change: FieldChange | None  # the edit that brought it in (None for the first)


@dataclass
class PageReport:
    """Everything the report shows about one URL."""

    page: Page
    slug: str
    numbers: dict[str, int]          # text hash -> version number (order of first appearance)
    runs: list[Side]                 # the texts it showed, in order
    diffs: list[UrlDiff]             # every edit, oldest first
    events: list[Event]              # every edit, removal and restoration, oldest first
    captures: list[CaptureRow]
    timeline: Timeline
    period: list[Change] = field(default_factory=list)  # the events inside the period
    sources: list[CitedSource] = field(default_factory=list)
    cited_by: list[str] = field(default_factory=list)   # article URLs, for sources
    stale: list[Finding] = field(default_factory=list)  # stale-figure findings of the article

    @property
    def url(self) -> str:
        return self.page.url

    @property
    def role(self) -> str:
        return self.page.role

    @property
    def href(self) -> str:
        return f"{PAGES_DIR}/{self.slug}"

    @property
    def title(self) -> str | None:
        return self.runs[-1].version.title if self.runs else None

    @property
    def period_diffs(self) -> list[UrlDiff]:
        return [change.diff for change in self.period if change.diff is not None]

    @property
    def last_event(self) -> str:
        return max((change.event.at for change in self.period), default="")

    @property
    def last_edit(self) -> str:
        return max((diff.at for diff in self.period_diffs), default="")

    def headlines(self) -> list[Headline]:
        """The headlines the page showed, in order; a run of versions with one headline is one
        row."""
        rows: list[Headline] = []
        for position, side in enumerate(self.runs):
            number = self.numbers.get(side.version.text_hash, 0)
            change = self.diffs[position - 1].diff.title if position else None
            if rows and change is None:
                if number not in rows[-1].versions:
                    rows[-1].versions.append(number)
                continue
            rows.append(Headline(side.capture.fetched_at, side.version.title, [number], change))
        return rows

    def words(self) -> tuple[int, int]:
        """(inserted, deleted) words over the edits in the period."""
        totals = [diff.diff.words_changed() for diff in self.period_diffs]
        return sum(t[0] for t in totals), sum(t[1] for t in totals)

    def figures(self) -> list[FigureChange]:
        return merge_figure_changes([f for diff in self.period_diffs for f in diff.diff.figures])

    @property
    def headline_changed(self) -> bool:
        return any(diff.diff.title is not None for diff in self.period_diffs)

    def had(self, kind: str) -> bool:
        return any(change.event.kind == kind for change in self.period)

    @property
    def removed(self) -> bool:
        return self.had(REMOVED)

    @property
    def restored(self) -> bool:
        return self.had(RESTORED)

    @property
    def headline_changes(self) -> list[Change]:
        """Metadata headline edits and headline A/B tests in the period, oldest first."""
        return [change for change in self.period if change.event.kind in HEADLINE_KINDS]

    @property
    def changed_sources(self) -> list[CitedSource]:
        return [source for source in self.sources if source.changed_after_cited]

    @property
    def gone(self) -> bool:
        return bool(self.events) and self.events[-1].kind == REMOVED


@dataclass
class ReportData:
    """The whole report."""

    since: str | None
    generated: str
    pages: dict[str, PageReport]  # by URL
    stale: list[Finding] = field(default_factory=list)  # open, or opened or closed in the period

    def open_stale(self) -> list[Finding]:
        return [finding for finding in self.stale if finding.open]

    def edited_articles(self) -> list[PageReport]:
        """Articles edited in the period, newest edit first."""
        found = [p for p in self.pages.values() if p.role != "source" and p.period_diffs]
        return sorted(found, key=lambda p: (p.last_edit, p.url), reverse=True)

    def lifecycle_changes(self) -> list[Change]:
        """Removals and restorations in the period, newest first."""
        found = [c for p in self.pages.values() for c in p.period
                 if c.event.kind in (REMOVED, RESTORED)]
        return sorted(found, key=lambda c: (c.event.at, c.url), reverse=True)

    def changed_sources(self) -> list[PageReport]:
        """Cited sources edited or removed in the period, newest change first."""
        found = [p for p in self.pages.values() if p.role == "source" and p.period]
        return sorted(found, key=lambda p: (p.last_event, p.url), reverse=True)

    def stale_citers(self) -> list[PageReport]:
        """Articles not edited in the period whose sources changed after they cited them."""
        found = [p for p in self.pages.values() if p.role != "source" and not p.period_diffs
                 and p.changed_sources]
        return sorted(found, key=lambda p: p.url)

    def headline_changes(self) -> list[Change]:
        """Metadata headline edits and headline A/B tests in the period, newest first."""
        found = [c for p in self.pages.values() for c in p.headline_changes]
        return sorted(found, key=lambda c: (c.event.at, c.url), reverse=True)

    def feed_changes(self) -> list[Change]:
        """Every event in the period, newest first, for the Atom feed."""
        found = [c for p in self.pages.values() for c in p.period]
        return sorted(found, key=lambda c: (c.event.at, c.url), reverse=True)


def slug_for(url: str) -> str:
    """A stable, safe file name for a URL's page: a hash, then the last path segment.

    >>> slug_for("http://a.example/news/2026/flood-count?x=1")
    '71659baf9ed5-flood-count.html'
    """
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
    tail = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    tail = re.sub(r"[^a-z0-9]+", "-", tail.lower()).strip("-")[:60]
    return f"{digest}-{tail}.html" if tail else f"{digest}.html"


class ReportCollector:
    """Builds `ReportData` from the index."""

    def __init__(self, reader: EditReader, since: datetime | None, replay_base: str | None,
                 now: datetime, progress: Report | None = None) -> None:
        self.progress = progress  # told how many of the archive's pages were read so far
        self.reader = reader
        self.index = reader.index
        self.since = since
        self.replay_base = replay_base
        self.now = now

    def collect(self) -> ReportData:
        pages: dict[str, PageReport] = {}
        moment = to_iso(self.since) if self.since else ""
        for page in tracked("reading pages", self.index.pages(), self.progress):
            if page.role not in REPORTED_ROLES or page.last_seen < moment:
                continue
            changes = page_changes(self.reader, page.url, page.role, self.since)
            if changes:
                pages[page.url] = self._page(page, changes)
        self._add_stale_citers(pages, moment)
        stale = self._stale_figures(pages, moment)
        for report in list(pages.values()):
            if report.role != "source":
                report.sources = cited_sources(self.index, report.url)
                self._add_sources(pages, report)
        return ReportData(moment or None, to_iso(self.now), pages, stale)

    def _stale_figures(self, pages: dict[str, PageReport], moment: str) -> list[Finding]:
        """Findings still open, or opened or closed in the period; each article and source
        they name gets its page."""
        found = [f for f in stale_findings(self.reader)
                 if f.open or f.opened_at >= moment or (f.closed_at or "") >= moment]
        for finding in found:
            for url in (finding.article_url, finding.source_url):
                if url not in pages:
                    page = self.index.page(url)
                    if page is None:
                        continue
                    pages[url] = self._page(page, page_changes(self.reader, url, page.role,
                                                               self.since))
            if finding.article_url in pages:
                pages[finding.article_url].stale.append(finding)
        return found

    def _add_stale_citers(self, pages: dict[str, PageReport], moment: str) -> None:
        """Articles whose cited source changed in the period, after they cited it."""
        for source in [p for p in pages.values() if p.role == "source"]:
            changed_at = [c.event.at for c in source.period if c.event.kind in (EDITED, REMOVED)]
            if not changed_at:
                continue
            first_change = min(changed_at)
            for citation in self.index.citations_of(source.url):
                if citation.article_url in pages or citation.cited_at >= first_change:
                    continue
                article = self.index.page(citation.article_url)
                if article is not None and article.role in REPORTED_ROLES:
                    pages[article.url] = self._page(article, [])

    def _add_sources(self, pages: dict[str, PageReport], article: PageReport) -> None:
        """Give every changed source of an article a page, and note who cites it."""
        for source in article.sources:
            if not source.changed_after_cited:
                continue
            if source.url not in pages:
                page = self.index.page(source.url)
                if page is None:
                    continue
                pages[source.url] = self._page(page, page_changes(
                    self.reader, source.url, page.role, self.since))
            if article.url not in pages[source.url].cited_by:
                pages[source.url].cited_by.append(article.url)

    def _page(self, page: Page, period: list[Change]) -> PageReport:
        numbers = {v.text_hash: n for n, v in enumerate(self.index.versions(page.url), start=1)}
        captures = self.index.captures(page.url)
        rows = [CaptureRow(c, numbers.get(c.text_hash or ""),
                           replay_url(c.collection, c.fetched_at, c.url, self.replay_base))
                for c in captures]
        return PageReport(page, slug_for(page.url), numbers, self.reader.runs(page.url),
                          self.reader.history(page.url), events(captures), rows,
                          build_timeline(captures, numbers), period)
