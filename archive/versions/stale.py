"""Stale figures: articles still showing a figure their cited source has since revised (and
articles *ahead of* their source: they revised a figure the source still shows the old way).

Findings are derived, like every edit Palimpsest reports, from the index and the texts in the
WARCs, each time they are asked for: nothing is stored, so `palimpsest reindex` rebuilds them by
construction and they cannot drift from the archive. Every time in a finding is a capture's time.

For each edit of a cited source that revised figures (archive.diff.figures), and each article
that cites the source, the article's and the source's timelines are walked together from the
revision on. The article is *stale* while all of these hold: its current text cites the source,
shows the source's old figure (archive.diff.sameness: same value, same sense) and not the new one,
and the source has not gone back to the old figure. The finding opens when that starts and
closes when it stops, saying why (the article updated the figure, dropped it, stopped citing
the source, or the source went back). "Ahead of its source" is the same walk with the roles
swapped: the article revised a figure that the source it cites still shows the old way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from archive.diff.figures import FigureChange
from archive.diff.sameness import Occurrence, occurrences, same_figure
from archive.index import Capture
from archive.replay.urls import replay_url
from archive.timeutil import from_iso, to_iso
from archive.versions.edits import EditReader, Side, UrlDiff

STALE, AHEAD = "stale", "ahead"
# Why a finding closed.
UPDATED = "updated"                  # the follower now shows the new figure
DROPPED = "dropped"                  # the follower no longer shows the old figure
UNCITED = "no longer cited"          # the article's text no longer cites the source
REVERTED = "revision undone"         # the reviser shows the old figure again


@dataclass(frozen=True)
class Revision:
    """A figure one page revised in one edit, with what it meant on both sides."""

    page: str                  # the URL that revised it
    change: FigureChange
    diff: UrlDiff
    before: list[Occurrence]   # the old figure where it stood in the older text
    after: list[Occurrence]    # the new figure in the newer text


@dataclass
class Finding:
    """One stretch of time during which one page showed a figure another had revised."""

    kind: str                 # stale (the article lags its source) | ahead (the source lags)
    article_url: str
    source_url: str
    revision: Revision
    shown: Occurrence         # the old figure as the lagging page writes it
    shown_capture: Capture    # the lagging page's capture where the finding opened
    opened_at: str
    closed_at: str | None = None
    closed_because: str | None = None
    titles: dict[str, str | None] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return self.closed_at is None

    @property
    def lagging_url(self) -> str:
        return self.article_url if self.kind == STALE else self.source_url

    @property
    def revised_at(self) -> str:
        return self.revision.diff.at

    @property
    def id(self) -> str:
        change = self.revision.change
        name = "\n".join((self.kind, self.article_url, self.source_url, self.revised_at,
                          change.old, change.new, self.opened_at))
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"

    def open_for(self, now: datetime) -> float:
        """Seconds the finding stayed open (until now, when still open)."""
        end = from_iso(self.closed_at) if self.closed_at else now
        return max(0.0, (end - from_iso(self.opened_at)).total_seconds())

    def summary(self) -> str:
        """One sentence a person reads (a notification's text)."""
        change = self.revision.change
        delta = f" ({_signed(change.delta)})" if change.delta is not None else ""
        if self.kind == STALE:
            text = (f"{self.article_url} still shows {self.shown.figure.text}; its source "
                    f"{self.source_url} revised {change.old} to {change.new}{delta} at "
                    f"{self.revised_at}")
        else:
            text = (f"{self.article_url} revised {change.old} to {change.new}{delta} at "
                    f"{self.revised_at}; the source it cites, {self.source_url}, still shows "
                    f"{self.shown.figure.text}")
        if self.closed_at:
            text += f" (closed {self.closed_at}: {self.closed_because})"
        return text

    def to_json(self, replay_base: str | None = None,
                now: datetime | None = None) -> dict[str, Any]:
        change = self.revision.change
        diff = self.revision.diff
        return {
            "id": self.id, "kind": self.kind, "state": "open" if self.open else "closed",
            "article": {"url": self.article_url, "title": self.titles.get(self.article_url)},
            "source": {"url": self.source_url, "title": self.titles.get(self.source_url)},
            "shown": {"url": self.lagging_url, "figure": self.shown.figure.text,
                      "context": self.shown.context, "language": self.shown.language,
                      "captured_at": self.shown_capture.fetched_at,
                      "replay_url": _replay(self.shown_capture, replay_base)},
            "revision": {"url": self.revision.page, "from": change.old, "to": change.new,
                         "kind": change.kind, "from_value": change.old_value,
                         "to_value": change.new_value, "delta": change.delta,
                         "unit": change.unit, "ambiguous": change.ambiguous,
                         "from_context": change.old_context, "to_context": change.context,
                         "at": self.revised_at,
                         "before_captured_at": diff.old.capture.fetched_at,
                         "before_replay_url": _replay(diff.old.capture, replay_base),
                         "after_replay_url": _replay(diff.new.capture, replay_base)},
            "opened_at": self.opened_at, "closed_at": self.closed_at,
            "closed_because": self.closed_because,
            "open_seconds": round(self.open_for(now), 3) if now else None,
            "summary": self.summary(),
        }


@dataclass(frozen=True)
class StaleEvent:
    """A finding opened or closed: what a notification says (archive.versions.stale_events)."""

    kind: str        # stale-opened | stale-closed | ahead-opened | ahead-closed
    at: str
    finding: Finding

    def to_json(self, replay_base: str | None = None) -> dict[str, Any]:
        return {"kind": self.kind, "at": self.at,
                "finding": self.finding.to_json(replay_base, from_iso(self.at))}


def stale_findings(reader: EditReader, since: datetime | None = None) -> list[Finding]:
    """Every finding; with `since`, those opened or closed at or after it. Open ones first,
    newest first."""
    findings = _Walker(reader).findings()
    if since is not None:
        moment = to_iso(since)
        findings = [f for f in findings
                    if f.opened_at >= moment or (f.closed_at or "") >= moment]
    return sorted(findings, key=lambda f: (not f.open, _descending(f.opened_at), f.article_url))


def stale_events(reader: EditReader, since: datetime) -> list[StaleEvent]:
    """Findings opened or closed at or after `since`, oldest first: one event each, carrying
    everything a message needs (`StaleEvent.to_json`, `Finding.summary`). For notifications."""
    moment = to_iso(since)
    found = []
    for finding in _Walker(reader).findings():
        if finding.opened_at >= moment:
            found.append(StaleEvent(f"{finding.kind}-opened", finding.opened_at, finding))
        if finding.closed_at and finding.closed_at >= moment:
            found.append(StaleEvent(f"{finding.kind}-closed", finding.closed_at, finding))
    return sorted(found, key=lambda e: (e.at, e.finding.article_url, e.kind))


class _Walker:
    """Walks every cited source's revisions against the articles citing it."""

    def __init__(self, reader: EditReader) -> None:
        self.reader = reader
        self.index = reader.index
        self._occurrences = lru_cache(maxsize=4096)(self._occurrences_of)
        self._revisions_of: dict[str, list[Revision]] = {}

    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        citers: dict[str, list[str]] = {}
        for source in self.index.cited_urls():
            for citation in self.index.citations_of(source):
                citers.setdefault(source, [])
                if citation.article_url not in citers[source]:
                    citers[source].append(citation.article_url)
        for source, articles in citers.items():
            source_revisions = self._revisions(source)
            for article in articles:
                if article == source:
                    continue
                cites = self._citing_hashes(article, source)
                for revision in source_revisions:
                    found += self._walk(STALE, revision, article, source, cites)
                for revision in self._revisions(article):
                    found += self._walk(AHEAD, revision, article, source, cites)
        titles = {}
        for finding in found:
            for url in (finding.article_url, finding.source_url):
                if url not in titles:
                    runs = self.reader.runs(url)
                    titles[url] = runs[-1].version.title if runs else None
            finding.titles = titles
        return found

    def _revisions(self, url: str) -> list[Revision]:
        """The figures a page revised, edit by edit (worked out once per page)."""
        if url not in self._revisions_of:
            self._revisions_of[url] = self._find_revisions(url)
        return self._revisions_of[url]

    def _find_revisions(self, url: str) -> list[Revision]:
        revisions = []
        for diff in self.reader.history(url):
            old = self.reader.text(url, diff.old.version)
            new = self.reader.text(url, diff.new.version)
            for change in diff.diff.figures:
                if change.where != "body":
                    continue
                before = [o for o in self._occurrences(url, diff.old.version.text_hash,
                                                       old.language)
                          if o.figure.text == change.old]
                after = [o for o in self._occurrences(url, diff.new.version.text_hash,
                                                      new.language)
                         if o.figure.text == change.new]
                if before and after:
                    revisions.append(Revision(url, change, diff, before, after))
        return revisions

    def _occurrences_of(self, url: str, text_hash: str, language: str | None
                        ) -> tuple[Occurrence, ...]:
        version = self.index.version(url, text_hash)
        if version is None:
            return ()
        text = self.reader.text(url, version)
        return tuple(occurrences(text.text, text.language))

    def _shows(self, url: str, side: Side, wanted: list[Occurrence]) -> Occurrence | None:
        """The occurrence in a page's text that is the same figure as one of `wanted`."""
        text = self.reader.text(url, side.version)
        for occurrence in self._occurrences(url, side.version.text_hash, text.language):
            if any(same_figure(want, occurrence) for want in wanted):
                return occurrence
        return None

    def _citing_hashes(self, article: str, source: str) -> set[str]:
        return {c.article_text_hash for c in self.index.citations_from(article)
                if c.source_url == source and c.article_text_hash}

    def _walk(self, kind: str, revision: Revision, article: str, source: str,
              cites: set[str]) -> list[Finding]:
        """The stretches of time during which the lagging page showed the revised figure."""
        reviser, lagging = (source, article) if kind == STALE else (article, source)
        reviser_runs = [side for side in self.reader.runs(reviser)
                        if side.capture.fetched_at >= revision.diff.at]
        lagging_runs = self.reader.runs(lagging)
        article_runs = self.reader.runs(article)
        moments = sorted({revision.diff.at} | {s.capture.fetched_at for s in lagging_runs
                                               + reviser_runs if s.capture.fetched_at
                                               >= revision.diff.at})
        findings: list[Finding] = []
        current: Finding | None = None
        for moment in moments:
            reviser_side = _at(reviser_runs, moment)
            lagging_side = _at(lagging_runs, moment)
            article_side = _at(article_runs, moment)
            shown = self._shows(lagging, lagging_side, revision.before) if lagging_side else None
            state = {
                UNCITED: article_side is not None and
                article_side.version.text_hash not in cites,
                REVERTED: reviser_side is not None and
                self._shows(reviser, reviser_side, revision.before) is not None,
                UPDATED: lagging_side is not None and
                self._shows(lagging, lagging_side, revision.after) is not None,
                DROPPED: shown is None,
            }
            stale = not any(state.values())
            if stale and current is None and shown is not None and lagging_side is not None:
                current = Finding(kind, article, source, revision, shown,
                                  lagging_side.capture, moment)
                findings.append(current)
            elif not stale and current is not None:
                current.closed_at = moment
                current.closed_because = next(reason for reason in (UPDATED, DROPPED, UNCITED,
                                                                    REVERTED) if state[reason])
                current = None
        return findings


def _at(runs: list[Side], moment: str) -> Side | None:
    """The text a page showed at `moment` (the last run started at or before it)."""
    current = None
    for side in runs:
        if side.capture.fetched_at <= moment:
            current = side
    return current


def _replay(capture: Capture, base: str | None) -> str:
    return replay_url(capture.collection, capture.fetched_at, capture.url, base)


def _signed(value: object) -> str:
    return f"{value:+,}"


def _descending(iso: str) -> str:
    """A key that sorts ISO times newest first."""
    return "".join(chr(0x10FFFF - ord(char)) for char in iso)
