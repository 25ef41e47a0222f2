"""`palimpsest changes`: which pages were edited, removed or restored in a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from archive.index import Capture
from archive.timeutil import to_iso
from archive.versions.edits import EditReader, UrlDiff
from archive.versions.headlines import (
    HEADLINE_KINDS,
    event_json,
    metadata_headline_events,
    with_visible_ab_tests,
)
from archive.versions.lifecycle import EDITED, Event, events

# Listings, feeds and sitemaps change all the time by design; their changes are not edits.
REPORTED_ROLES = ("article", "source")


@dataclass
class Change:
    """One event of one page, with the diff when it was an edit."""

    event: Event
    role: str
    title: str | None
    diff: UrlDiff | None = None

    @property
    def url(self) -> str:
        return self.event.url

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.event.kind, "url": self.url, "role": self.role,
                "at": self.event.at, "title": self.title, "status": self.event.capture.status}
        if self.event.kind in HEADLINE_KINDS:
            data.update(event_json(self.event))
        if self.diff is not None:
            inserted, deleted = self.diff.diff.words_changed()
            data.update({
                "from": self.diff.old.to_json(),
                "to": self.diff.new.to_json(),
                "headline": self.diff.diff.title.to_json() if self.diff.diff.title else None,
                "metadata_headlines": self.diff.metadata_headline_changes(),
                "words": {"inserted": inserted, "deleted": deleted},
                "figures": [figure.to_json() for figure in self.diff.diff.figures],
                "capped": list(self.diff.diff.body.capped),
            })
        return data


def page_changes(reader: EditReader, url: str, role: str,
                 since: datetime | None = None) -> list[Change]:
    """The events of one page at or after `since`, oldest first, edits with their diffs."""
    moment = to_iso(since) if since else ""
    captures = reader.index.captures(url)
    found = [event for event in page_events(captures) if event.at >= moment]
    if not found:
        return []
    diffs = {}
    if any(event.kind == EDITED for event in found):
        diffs = {diff.new.capture.id: diff for diff in reader.history(url)}
    changes = []
    for event in found:
        diff = diffs.get(event.capture.id) if event.kind == EDITED else None
        changes.append(Change(event, role, _title_at(reader, url, event.at, diff), diff))
    return changes


def page_events(captures: list[Capture]) -> list[Event]:
    """Every event of one URL's captures, oldest first: edits (a headline A/B test reported
    once), removals, restorations, and metadata headline edits (archive.versions.headlines)."""
    found = with_visible_ab_tests(events(captures), captures)
    found += metadata_headline_events(captures)
    found.sort(key=lambda event: event.at)  # stable: an edit stays before its headline change
    return found


def list_changes(reader: EditReader, since: datetime | None = None) -> list[Change]:
    """Every edit, removal and restoration at or after `since`, newest first."""
    moment = to_iso(since) if since else ""
    changes: list[Change] = []
    for page in reader.index.pages():
        if page.role in REPORTED_ROLES and page.last_seen >= moment:
            changes += page_changes(reader, page.url, page.role, since)
    changes.sort(key=lambda change: (change.event.at, change.url), reverse=True)
    return changes


def _title_at(reader: EditReader, url: str, at: str, diff: UrlDiff | None) -> str | None:
    """The headline of the version the page showed at `at` (or last showed before it)."""
    if diff is not None:
        return diff.new.version.title
    title = None
    for side in reader.runs(url):
        if side.capture.fetched_at <= at:
            title = side.version.title
    return title
