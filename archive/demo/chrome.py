"""The newspaper's rotating page furniture: what changes on every request but is not the article.

Real news pages differ byte for byte between two fetches: rails pick other stories, promoted
stories and ad slots rotate, an "Updated N minutes ago" line ticks, and every page carries a fresh
CSRF token and script nonce. The demo reproduces all of it from a per-request counter, so the
churn is deterministic (request n always looks the same) yet no two consecutive pages are equal.
That churn is what shows Palimpsest makes no false versions: the article text never changes.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from archive.demo.assets import ASSET_VERSION
from archive.demo.content import Ad, Promotion, boilerplate

MORE_FROM_COUNT = 3
PROMOTED_COUNT = 4
AD_SLOTS = ("leaderboard", "mpu", "skyscraper")
MOST_READ_COUNT = 5

_T = TypeVar("_T")


@dataclass(frozen=True)
class Teaser:
    """A link to a story: where it goes and what it says."""

    url: str
    headline: str


@dataclass(frozen=True)
class Chrome:
    """Everything on a newspaper page that rotates per request."""

    updated_minutes: int
    csrf_token: str
    nonce: str
    asset_version: str
    pageview: int
    more_from: tuple[Teaser, ...]
    most_read: tuple[Teaser, ...]
    promoted: tuple[Promotion, ...]
    ads: tuple[tuple[str, Ad], ...]  # (slot name, creative)


def chrome_for(counter: int, stories: Sequence[Teaser], current_url: str | None = None) -> Chrome:
    """The furniture of the `counter`-th page served.

    `stories` are the newspaper's live stories; the "More from" rail draws from those other than
    `current_url`, the "Most read" box from all of them.
    """
    plate = boilerplate()
    others = [story for story in stories if story.url != current_url]
    return Chrome(
        updated_minutes=2 + (counter * 7) % 58,  # 2-59: always "minutes", never "1 minutes"
        csrf_token=_token("csrf", counter, 32),
        nonce=base64.b64encode(bytes.fromhex(_token("nonce", counter, 32))).decode("ascii"),
        asset_version=ASSET_VERSION,  # a deploy's version: the same on every page
        pageview=100_000 + counter,
        more_from=tuple(rotate(others, counter, MORE_FROM_COUNT)),
        most_read=tuple(rotate(stories, counter * 3, MOST_READ_COUNT)),
        promoted=tuple(rotate(plate.promotions, counter * PROMOTED_COUNT, PROMOTED_COUNT)),
        ads=tuple(zip(AD_SLOTS, rotate(plate.ads, counter, len(AD_SLOTS)))),
    )


def rotate(items: Sequence[_T], offset: int, count: int) -> list[_T]:
    """`count` items of `items` (at most all of them) starting at `offset`, wrapping around.

    >>> rotate("abcde", 3, 3)
    ['d', 'e', 'a']
    >>> rotate("ab", 1, 5)
    ['b', 'a']
    """
    if not items:
        return []
    return [items[(offset + i) % len(items)] for i in range(min(count, len(items)))]


def _token(purpose: str, counter: int, length: int) -> str:
    """A hex token unique to (purpose, counter): unpredictable-looking, yet reproducible."""
    return hashlib.sha256(f"palimpsest-demo:{purpose}:{counter}".encode()).hexdigest()[:length]
