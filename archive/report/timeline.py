"""A page's history as a small strip: bands for the versions it showed (and for the time it was
taken down), a mark for every capture. Pure geometry; the template draws it as inline SVG."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from archive.index import Capture
from archive.timeutil import from_iso
from archive.versions.lifecycle import is_gone, is_live

WIDTH, HEIGHT, PAD = 720.0, 58.0, 12.0
# Room after the last capture: the last band runs on to the edge (what the page showed when
# last seen), so a state that began at the last capture is still visible.
TAIL = 28.0
BAND_Y, BAND_H, MARK_Y = 8.0, 16.0, 34.0
PALETTE_SIZE = 6  # version colours repeat after this many (CSS classes v0..v5)
MIN_BAND = 3.0


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    css: str
    title: str


@dataclass(frozen=True)
class Mark:
    x: float
    css: str
    title: str


@dataclass(frozen=True)
class Timeline:
    bands: list[Band]
    marks: list[Mark]
    start: str
    end: str
    width: float = WIDTH
    height: float = HEIGHT
    mark_y: float = MARK_Y
    band_y: float = BAND_Y
    band_h: float = BAND_H


def version_css(number: int) -> str:
    """The CSS class of a version's colour."""
    return f"v{(number - 1) % PALETTE_SIZE}"


def build_timeline(captures: list[Capture], numbers: dict[str, int]) -> Timeline:
    """The strip for one URL's captures (oldest first); `numbers` maps text hash -> version."""
    if not captures:
        return Timeline([], [], "", "")
    times = [from_iso(c.fetched_at).timestamp() for c in captures]
    first, last = times[0], times[-1]
    span = last - first

    def x_of(moment: float) -> float:
        if span <= 0:
            return PAD
        return round(PAD + (moment - first) / span * (WIDTH - 2 * PAD - TAIL), 1)

    return Timeline(_bands(captures, times, numbers, x_of), _marks(captures, numbers, x_of),
                    _label(captures[0].fetched_at), _label(captures[-1].fetched_at))


def _state(capture: Capture, numbers: dict[str, int], previous: str | None) -> str | None:
    """What the page showed at a capture: a version class, "gone", or unchanged (previous)."""
    if is_gone(capture):
        return "gone"
    if is_live(capture) and capture.extraction == "ok" and capture.text_hash in numbers:
        return f"version {numbers[capture.text_hash]}"
    if is_live(capture) and previous == "gone":
        return "unreadable"  # back online but not extracted: not the old version for sure
    return previous


def _bands(captures: list[Capture], times: list[float], numbers: dict[str, int],
           x_of: Callable[[float], float]) -> list[Band]:
    segments: list[list[Any]] = []  # [state, start time, start iso, end time, end iso]
    state = None
    for capture, moment in zip(captures, times):
        new_state = _state(capture, numbers, state)
        if new_state != state and new_state is not None:
            if segments:
                segments[-1][3:] = [moment, capture.fetched_at]
            segments.append([new_state, moment, capture.fetched_at, moment, capture.fetched_at])
        elif segments:
            segments[-1][3:] = [moment, capture.fetched_at]
        state = new_state
    bands = []
    for number, (name, start, start_iso, end, end_iso) in enumerate(segments):
        x = x_of(start)
        right = WIDTH - PAD if number == len(segments) - 1 else x_of(end)
        width = max(MIN_BAND, right - x)
        css = "gone" if name == "gone" else "unreadable" if name == "unreadable" else \
            version_css(int(name.split()[1]))
        label = "taken down" if name == "gone" else name
        bands.append(Band(x, round(width, 1), css,
                          f"{label}: {_label(start_iso)} to {_label(end_iso)}"))
    return bands


def _marks(captures: list[Capture], numbers: dict[str, int],
           x_of: Callable[[float], float]) -> list[Mark]:
    """One mark per capture, merged where captures fall on the same spot and look alike."""
    merged: dict[tuple[float, str], list[Capture]] = {}
    for capture in captures:
        if is_gone(capture):
            css = "gone"
        elif not is_live(capture):
            css = "error"
        elif capture.extraction == "ok":
            css = "ok"
        else:
            css = "failed"
        moment = from_iso(capture.fetched_at).timestamp()
        merged.setdefault((round(x_of(moment)), css), []).append(capture)
    marks = []
    for (x, css), group in merged.items():
        if len(group) == 1:
            capture = group[0]
            version = numbers.get(capture.text_hash or "")
            what = f", version {version}" if version and css == "ok" else ""
            title = f"{_label(capture.fetched_at)}: {capture.status or 'no status'} " \
                    f"{capture.kind}{what}" + (", extraction failed" if css == "failed" else "")
        else:
            title = f"{len(group)} captures, {_label(group[0].fetched_at)} to " \
                    f"{_label(group[-1].fetched_at)}"
        marks.append(Mark(float(x), css, title))
    return marks


def _label(iso: str) -> str:
    return iso[:19].replace("T", " ") + " UTC"
