"""Headline edits: the metadata headlines changing alone, and headline A/B tests.

The text hash covers the visible headline and the body (archive/extract/headlines.py); the
social headline (`og:title`), the search title (`<title>`) and the structured-data headline
(JSON-LD) are kept per capture beside it. A change to one of them is its own kind of edit,
read from the captures here, and never a new version of the text.

A page that flips between the same two headlines is running an A/B test (or a headline
test by its CMS): the first return to an earlier headline is reported once, as an A/B test
with both headlines, and later flips between the same two are not reported again. A first
change is an edit: nothing yet says it will flip back. This holds for each metadata
headline, and for the visible headline when the page's versions flip with it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import replace

from archive.index import Capture
from archive.versions.lifecycle import EDITED, Event, events, is_live

SOCIAL_CHANGED = "social-headline"
SEARCH_CHANGED = "search-title"
STRUCTURED_CHANGED = "structured-headline"
AB_TEST = "headline-ab-test"
HEADLINE_KINDS = (SOCIAL_CHANGED, SEARCH_CHANGED, STRUCTURED_CHANGED, AB_TEST)

# field name -> (capture attribute, kind of its edit)
METADATA_FIELDS: dict[str, tuple[str, str]] = {
    "social": ("social_title", SOCIAL_CHANGED),
    "search": ("search_title", SEARCH_CHANGED),
    "structured": ("structured_headline", STRUCTURED_CHANGED),
}
# What each field is called where a person reads it.
FIELD_NAMES = {"visible": "headline", "social": "social headline (og:title)",
               "search": "search title (<title>)",
               "structured": "structured-data headline (JSON-LD)"}
KIND_LABELS = {SOCIAL_CHANGED: "social headline changed", SEARCH_CHANGED: "search title changed",
               STRUCTURED_CHANGED: "structured-data headline changed",
               AB_TEST: "headline A/B test"}

CHANGED, FLIP_STARTED, FLIP_AGAIN = "changed", "ab-test", "ab-again"


class FlipTracker:
    """Follows one value over a page's captures and says what each new value is."""

    def __init__(self) -> None:
        self.current: Hashable | None = None
        self.previous: Hashable | None = None
        self.pairs: set[frozenset[Hashable]] = set()

    def step(self, value: Hashable) -> str | None:
        """None (no change, or the first value), CHANGED, FLIP_STARTED (a return to the value
        before the current one: an A/B test) or FLIP_AGAIN (a flip within a known test)."""
        if value == self.current:
            return None
        before, last = self.previous, self.current
        self.previous, self.current = last, value
        if last is None:
            return None
        pair = frozenset((last, value))
        if pair in self.pairs:
            return FLIP_AGAIN
        if value == before:
            self.pairs.add(pair)
            return FLIP_STARTED
        return CHANGED


def metadata_headline_events(captures: Iterable[Capture]) -> list[Event]:
    """The metadata headline edits and A/B tests of one URL's captures (oldest first).

    Only captures whose text was extracted count; a capture without the field (indexed before
    schema 3, or a page without it) neither changes nor resets it. A metadata headline that
    changes with the text (a headline rewritten everywhere) is part of that edit, shown in
    its diff: only a change alone is an event here.
    """
    trackers = {name: FlipTracker() for name in METADATA_FIELDS}
    found: list[Event] = []
    text: str | None = None
    for capture in captures:
        if capture.extraction != "ok" or not capture.text_hash or not is_live(capture):
            continue
        alone = text is None or capture.text_hash == text
        text = capture.text_hash
        for name, (attribute, kind) in METADATA_FIELDS.items():
            value = getattr(capture, attribute)
            if not value:
                continue
            tracker = trackers[name]
            old = tracker.current
            outcome = tracker.step(value)
            if not alone:
                continue
            if outcome == CHANGED:
                found.append(Event(kind, capture.url, capture.fetched_at, capture,
                                   field=name, old_headline=str(old), new_headline=value))
            elif outcome == FLIP_STARTED:
                found.append(Event(AB_TEST, capture.url, capture.fetched_at, capture,
                                   field=name, old_headline=str(old), new_headline=value))
    return found


def with_visible_ab_tests(events: list[Event], captures: Iterable[Capture]) -> list[Event]:
    """`events` (archive.versions.lifecycle.events) with the visible headline's A/B tests
    reported once: an edit that returns to the version before the current one, with the same
    body under another headline, becomes an A/B test; later flips between the two versions are
    left out. A return that changes the body too (an edit undone), flips under one headline,
    and captures without a body hash (indexed before schema 3) stay edits."""
    captures = list(captures)
    titles = {c.text_hash: c.title for c in captures if c.text_hash}
    bodies = {c.text_hash: c.body_hash for c in captures if c.text_hash}
    tracker = FlipTracker()
    shown: list[Event] = []
    started: set[frozenset[str]] = set()
    for event in events:
        if event.kind != EDITED or event.old_hash is None or event.new_hash is None:
            shown.append(event)
            continue
        if tracker.current is None:
            tracker.step(event.old_hash)
        outcome = tracker.step(event.new_hash)
        old_title, new_title = titles.get(event.old_hash), titles.get(event.new_hash)
        pair = frozenset((event.old_hash, event.new_hash))
        same_body = bodies.get(event.old_hash) is not None and \
            bodies.get(event.old_hash) == bodies.get(event.new_hash)
        if outcome == FLIP_STARTED and same_body and old_title and new_title \
                and old_title != new_title:
            started.add(pair)
            shown.append(replace(event, kind=AB_TEST, field="visible",
                                 old_headline=old_title, new_headline=new_title))
        elif outcome == FLIP_AGAIN and pair in started:
            continue
        else:
            shown.append(event)
    return shown


def describe(event: Event) -> str:
    """One line a person reads, e.g. 'social headline (og:title): "A" -> "B"'."""
    field = FIELD_NAMES.get(event.field or "", "headline")
    if event.kind == AB_TEST:
        return (f'{field} A/B test: flipping between "{event.old_headline}" and '
                f'"{event.new_headline}"')
    return f'{field}: "{event.old_headline}" -> "{event.new_headline}"'


def event_json(event: Event) -> dict[str, object]:
    """The keys a headline event adds to `changes --json`."""
    data: dict[str, object] = {"field": event.field}
    if event.kind == AB_TEST:
        data["headlines"] = [event.old_headline, event.new_headline]
    else:
        data["headline"] = {"from": event.old_headline, "to": event.new_headline}
    return data


def headline_changes(captures: list[Capture]) -> list[Event]:
    """One URL's headline events (one lineage's captures, oldest first): its metadata
    headline edits and its A/B tests, visible ones included, for `history`."""
    visible = [event for event in with_visible_ab_tests(events(captures), captures)
               if event.kind == AB_TEST]
    found = visible + metadata_headline_events(captures)
    found.sort(key=lambda event: event.at)
    return found


def capture_headlines(capture: Capture) -> dict[str, str | None]:
    """A capture's headlines by field: the visible one and the metadata ones."""
    return {"visible": capture.title, "social": capture.social_title,
            "search": capture.search_title, "structured": capture.structured_headline}


def headline_event_json(event: Event) -> dict[str, object]:
    """A headline event as `history --json` lists it."""
    return {"kind": event.kind, "at": event.at, "label": KIND_LABELS[event.kind],
            **event_json(event)}
