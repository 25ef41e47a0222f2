"""The demo site's content as data: articles and ministry statements in each state of the site.

The texts live in TOML files beside this module (articles.toml, statements.toml,
boilerplate.toml); this module loads them once and applies the edits each state calls for.
State 1 is the site as first published, state 2 after the edits, state 3 like state 2 with the
taken-down article restored.

Inline links in the texts are written ``[text](ref)``; :func:`segments` splits them out so the
renderers can escape the text and resolve the ref for whichever server is running.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any, TypeVar

STATES = (1, 2, 3)
# A revision in the TOML files takes effect in this state and stays in every later one.
REVISED_FROM = 2

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Figure:
    """A picture in an article: image file name, alt text and caption (with inline links)."""

    image: str
    alt: str
    caption: str


@dataclass(frozen=True)
class Comment:
    """A reader comment shown under an article (never part of the article text)."""

    author: str
    posted: datetime
    text: str


@dataclass(frozen=True)
class Article:
    """One newspaper article as it reads in one state of the site."""

    key: str
    path: str
    section: str
    headline: str
    byline: str
    published: datetime
    modified: datetime
    standfirst: str
    paragraphs: tuple[str, ...]
    figure: Figure
    comments: tuple[Comment, ...]


@dataclass(frozen=True)
class Statement:
    """One ministry press statement as it reads in one state of the site."""

    key: str
    path: str
    title: str
    issued: datetime
    modified: datetime
    paragraphs: tuple[str, ...]


_Item = TypeVar("_Item", Article, Statement)


@dataclass(frozen=True)
class Section:
    """A newspaper section: its key is also its URL path, /<key>/."""

    key: str
    title: str


@dataclass(frozen=True)
class Promotion:
    """A sponsored teaser, linking to /promoted/<slug> on the newspaper."""

    slug: str
    title: str
    sponsor: str


@dataclass(frozen=True)
class Ad:
    """A display advertisement creative and the promoted page it links to."""

    id: str
    text: str
    promoted: str


@dataclass(frozen=True)
class Boilerplate:
    """Who publishes the site, and the pools the rotating page furniture is drawn from."""

    paper: dict[str, Any]
    ministry: dict[str, Any]
    sections: tuple[Section, ...]
    promotions: tuple[Promotion, ...]
    ads: tuple[Ad, ...]
    state_dates: dict[int, datetime]


def check_state(state: int) -> int:
    """Return `state` if it is one the site knows, else raise ValueError."""
    if state not in STATES:
        raise ValueError(f"demo site state must be one of {STATES}, not {state!r}")
    return state


def articles(state: int) -> dict[str, Article]:
    """The articles live in `state`, by key, in publication order."""
    check_state(state)
    return {
        entry["key"]: _revised(_article(entry), entry.get("revision"), state)
        for entry in _load("articles.toml")["article"]
        if state not in entry.get("removed_in", ())
    }


def article_paths() -> dict[str, str]:
    """Every article's URL path by key, including articles that some state takes down."""
    return {entry["key"]: entry["path"] for entry in _load("articles.toml")["article"]}


def statements(state: int) -> dict[str, Statement]:
    """The ministry's statements in `state`, by key, oldest first."""
    check_state(state)
    return {
        entry["key"]: _revised(_statement(entry), entry.get("revision"), state)
        for entry in _load("statements.toml")["statement"]
    }


def statement_paths() -> dict[str, str]:
    """Every ministry statement's URL path by key."""
    return {entry["key"]: entry["path"] for entry in _load("statements.toml")["statement"]}


@cache
def boilerplate() -> Boilerplate:
    """The publishers' identities and the rotating furniture's pools."""
    data = _load("boilerplate.toml")
    return Boilerplate(
        paper=data["paper"],
        ministry=data["ministry"],
        sections=tuple(Section(**s) for s in data["paper"]["sections"]),
        promotions=tuple(Promotion(**p) for p in data["promoted"]),
        ads=tuple(Ad(**a) for a in data["ad"]),
        state_dates={int(k): v for k, v in data["state_dates"].items()},
    )


def segments(markup: str) -> Iterator[tuple[str, str | None]]:
    """Split inline markup into (text, ref) pieces; ref is None for plain text.

    >>> list(segments("See [the report](statement:S1)."))
    [('See ', None), ('the report', 'statement:S1'), ('.', None)]
    """
    position = 0
    for match in _LINK.finditer(markup):
        if match.start() > position:
            yield markup[position : match.start()], None
        yield match.group(1), match.group(2)
        position = match.end()
    if position < len(markup):
        yield markup[position:], None


def plain_text(markup: str) -> str:
    """The text of inline markup without its links.

    >>> plain_text("See [the report](statement:S1).")
    'See the report.'
    """
    return "".join(text for text, _ in segments(markup))


@cache
def _load(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(__package__).joinpath(name).read_text("utf-8"))


def _article(entry: dict[str, Any]) -> Article:
    return Article(
        key=entry["key"],
        path=entry["path"],
        section=entry["section"],
        headline=entry["headline"],
        byline=entry["byline"],
        published=entry["published"],
        modified=entry["published"],
        standfirst=entry["standfirst"],
        paragraphs=tuple(entry["paragraphs"]),
        figure=Figure(**entry["figure"]),
        comments=tuple(Comment(**c) for c in entry.get("comments", ())),
    )


def _statement(entry: dict[str, Any]) -> Statement:
    return Statement(
        key=entry["key"],
        path=entry["path"],
        title=entry["title"],
        issued=entry["issued"],
        modified=entry["issued"],
        paragraphs=tuple(entry["paragraphs"]),
    )


def _revised(item: _Item, revision: dict[str, Any] | None, state: int) -> _Item:
    """`item` with `revision` applied when `state` comes after the revision."""
    if revision is None or state < REVISED_FROM:
        return item
    paragraphs = list(item.paragraphs)
    if "insert" in revision:
        paragraphs.insert(revision["insert"]["at"], revision["insert"]["text"])
    changes: dict[str, Any] = {"modified": revision["modified"], "paragraphs": tuple(paragraphs)}
    if "headline" in revision:
        changes["headline"] = revision["headline"]
    item = replace(item, **changes)
    for old, new in revision.get("replace", ()):
        item = replace_text(item, old, new)
    return item


def replace_text(item: _Item, old: str, new: str) -> _Item:
    """A copy of an article or statement with `old` replaced by `new` in all of its prose."""

    def swap(text: str) -> str:
        return text.replace(old, new)

    changes: dict[str, Any] = {"paragraphs": tuple(map(swap, item.paragraphs))}
    if isinstance(item, Article):
        changes["headline"] = swap(item.headline)
        changes["standfirst"] = swap(item.standfirst)
        changes["figure"] = replace(item.figure, caption=swap(item.figure.caption))
    else:
        changes["title"] = swap(item.title)
    return replace(item, **changes)
