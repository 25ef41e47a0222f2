"""Which `srcset` candidates a browser would load: parsing, `sizes`, and Chromium's choice.

Replay serves only what was archived, and a browser that picks a candidate the archive lacks
shows a broken image (it never falls back to `src`). So the crawl fetches every candidate a
common screen would choose: phones and desktops, at one and two device pixels per CSS pixel,
plus the 1x candidate and the largest up to 2x. The choice follows Chromium's
(HTMLSrcsetParser: the smallest density at or above the screen's, or the one below it when
the screen's density is under the two's geometric mean).

>>> sorted(chosen_candidates("a.jpg 1x, b.jpg 2x, c.jpg 3x"))
['a.jpg', 'b.jpg']
>>> sorted(chosen_candidates("s.jpg 320w, m.jpg 800w, l.jpg 1600w, xl.jpg 3200w",
...                          "(max-width: 600px) 100vw, 50vw"))
['l.jpg', 'm.jpg']
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# (viewport width in CSS px, device pixel ratio): a phone, a laptop, a desktop, a retina laptop.
COMMON_SCREENS = ((390, 2.0), (1280, 1.0), (1920, 1.0), (1440, 2.0))
MAX_DENSITY = 2.0
MAX_CANDIDATES = 64  # a srcset longer than this is read up to here
EM_PX = 16.0

_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)(px|vw|em|rem)\s*$", re.I)
_CONDITION = re.compile(r"\(\s*(min|max)-width\s*:\s*([0-9]*\.?[0-9]+)(px|em|rem)\s*\)", re.I)


@dataclass(frozen=True)
class Candidate:
    url: str
    width: float | None = None  # a `w` descriptor
    density: float | None = None  # an `x` descriptor (1 when there is neither)


def parse_srcset(value: str) -> list[Candidate]:
    """The candidates of a srcset attribute, as the HTML standard splits them (a URL may hold
    commas; a descriptor list ends at a comma outside parentheses).

    >>> parse_srcset("a.jpg, b,c.jpg 2x,d.jpg 640w")
    [Candidate(url='a.jpg', width=None, density=1.0), Candidate(url='b,c.jpg', width=None, \
density=2.0), Candidate(url='d.jpg', width=640.0, density=None)]
    """
    candidates: list[Candidate] = []
    pos, length = 0, len(value)
    while pos < length and len(candidates) < MAX_CANDIDATES:
        while pos < length and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        start = pos
        while pos < length and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        descriptors = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth, begin = 0, pos
            while pos < length:
                char = value[pos]
                if char == "(":
                    depth += 1
                elif char == ")":
                    depth = max(0, depth - 1)
                elif char == "," and depth == 0:
                    break
                pos += 1
            descriptors = value[begin:pos]
            pos += 1
        if url:
            candidate = _described(url, descriptors.split())
            if candidate is not None:
                candidates.append(candidate)
    return candidates


def _described(url: str, descriptors: list[str]) -> Candidate | None:
    width = density = None
    for descriptor in descriptors:
        number, unit = descriptor[:-1], descriptor[-1:].lower()
        try:
            amount = float(number)
        except ValueError:
            return None  # an invalid descriptor drops the candidate, as browsers do
        if amount <= 0 or not math.isfinite(amount):
            return None
        if unit == "w":
            width = amount
        elif unit == "x":
            density = amount
        elif unit != "h":
            return None
    if width is None and density is None:
        density = 1.0
    return Candidate(url, width, density)


def slot_width(sizes: str | None, viewport: float) -> float:
    """The image's width in CSS px for a `sizes` attribute at a viewport width (100vw when
    `sizes` says nothing this reader understands).

    >>> slot_width("(max-width: 600px) 100vw, 50vw", 1280)
    640.0
    >>> slot_width("(max-width: 600px) 480px, 800px", 390)
    480.0
    """
    for entry in (sizes or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        condition, _, length = entry.rpartition(")")
        condition = condition + ")" if condition else ""
        if not condition:
            length = entry
        width = _length(length, viewport)
        if width is None:
            continue
        if not condition or _matches(condition, viewport):
            return width
    return viewport


def _length(text: str, viewport: float) -> float | None:
    match = _LENGTH.match(text)
    if match is None:
        return None
    amount, unit = float(match.group(1)), match.group(2).lower()
    if unit == "vw":
        return viewport * amount / 100
    return amount * (EM_PX if unit in ("em", "rem") else 1.0)


def _matches(condition: str, viewport: float) -> bool:
    """`(max-width: N)` and `(min-width: N)`, joined by `and`; anything else never matches."""
    lowered = condition.lower()
    if " or " in lowered or "not " in lowered or "," in lowered:
        return False
    tests = _CONDITION.findall(condition)
    if not tests or len(tests) != lowered.count("("):
        return False
    for bound, amount, unit in tests:
        limit = float(amount) * (EM_PX if unit.lower() in ("em", "rem") else 1.0)
        if (bound.lower() == "max" and viewport > limit) or \
                (bound.lower() == "min" and viewport < limit):
            return False
    return True


def chromium_choice(candidates: list[tuple[float, str]], dpr: float) -> str:
    """The URL Chromium picks from (density, url) pairs sorted by density."""
    index = 0
    for index in range(len(candidates) - 1):
        following = candidates[index + 1][0]
        if following < dpr:
            continue
        current = candidates[index][0]
        if (dpr <= 1.0 and dpr > current) or dpr >= math.sqrt(current * following):
            return candidates[index + 1][1]
        break
    else:
        index = len(candidates) - 1
    return candidates[index][1]


def screen_choice(candidates: list[Candidate], sizes: str | None, viewport: float,
                  dpr: float) -> str | None:
    """The candidate one screen (viewport width, device pixel ratio) loads."""
    if not candidates:
        return None
    slot = slot_width(sizes, viewport)
    return chromium_choice(sorted({(_density(c, slot), c.url) for c in candidates}), dpr)


def media_matches(media: str | None, viewport: float) -> bool:
    """Whether a `<source media>` applies at a viewport width. Width conditions are read;
    a query this reader does not understand counts as matching (better fetch one candidate
    too many than replay a broken picture).

    >>> media_matches("(max-width: 600px)", 390), media_matches("(min-width: 60em)", 390)
    (True, False)
    """
    text = (media or "").strip().lower()
    if not text or text in ("all", "screen"):
        return True
    text = text.removeprefix("screen and ").removeprefix("all and ")
    if not _CONDITION.search(text):
        return True
    return _matches(text, viewport)


def chosen_candidates(srcset: str, sizes: str | None = None) -> list[str]:
    """The candidate URLs any of the common screens would load, in srcset order."""
    candidates = parse_srcset(srcset)
    if not candidates:
        return []
    wanted: set[str] = set()
    for viewport, dpr in COMMON_SCREENS:
        choice = screen_choice(candidates, sizes, viewport, dpr)
        if choice is not None:
            wanted.add(choice)
    by_density = [(c.density, c.url) for c in candidates if c.density is not None]
    if by_density:
        wanted.add(min(by_density, key=lambda pair: abs(pair[0] - 1.0))[1])
        within = [pair for pair in by_density if pair[0] <= MAX_DENSITY]
        if within:
            wanted.add(max(within)[1])
    return list(dict.fromkeys(c.url for c in candidates if c.url in wanted))


def _density(candidate: Candidate, slot: float) -> float:
    if candidate.width is not None:
        return candidate.width / max(slot, 1.0)
    return candidate.density or 1.0
