"""Diffs of archived pages: pick two versions of a URL from the index, read their texts from the
WARC conversion records, and compare them with the pure engine in `archive.diff.engine`.

"Versions" here follow the capture timeline: the texts a page showed, in the order it showed
them, with repeats of the same text collapsed. So A -> B -> A has three, and the default diff
(the last two) is B to A: the edit a reader would have seen last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from archive.diff.engine import DEFAULT_LIMITS, DiffLimits, EditDiff, VersionText, diff_versions
from archive.exceptions import NotFoundError
from archive.extract.language import detect_language
from archive.index import Capture, Index, Version
from archive.store.layout import DataLayout
from archive.timeutil import to_iso
from archive.versions.headlines import capture_headlines
from archive.versions.lifecycle import text_runs
from archive.versions.lookup import lookup_url
from archive.warc.reader import read_text


@dataclass(frozen=True)
class Side:
    """One side of a diff: a version, and the capture where the page started showing it."""

    version: Version
    capture: Capture

    def to_json(self) -> dict[str, Any]:
        return {"text_hash": self.version.text_hash, "first_seen": self.version.first_seen,
                "captured_at": self.capture.fetched_at, "title": self.version.title,
                "byline": self.version.byline, "language": self.version.language,
                "headlines": capture_headlines(self.capture)}


@dataclass
class UrlDiff:
    """An edit diff of one URL between two of its versions."""

    url: str
    old: Side
    new: Side
    diff: EditDiff

    def metadata_headline_changes(self) -> list[dict[str, str | None]]:
        """The metadata headlines that differ between the two sides' captures (each side's
        first capture), as {"field", "from", "to"}; a side indexed before they were recorded
        (schema 3) compares as unknown, not as changed."""
        old, new = capture_headlines(self.old.capture), capture_headlines(self.new.capture)
        return [{"field": name, "from": old[name], "to": new[name]}
                for name in ("social", "search", "structured")
                if old[name] and new[name] and old[name] != new[name]]

    @property
    def at(self) -> str:
        """When the newer text was first seen in this position of the timeline."""
        return self.new.capture.fetched_at

    def to_json(self) -> dict[str, Any]:
        """The `diff --json` shape of DESIGN.md, with added keys."""
        body = self.diff.body
        inserted, deleted = self.diff.words_changed()
        return {
            "url": self.url,
            "from": self.old.to_json(),
            "to": self.new.to_json(),
            "title": self.diff.title.to_json() if self.diff.title else None,
            "byline": self.diff.byline.to_json() if self.diff.byline else None,
            "metadata_headlines": self.metadata_headline_changes(),
            "ops": [list(op) for op in body.ops],
            "figures": [figure.to_json() for figure in self.diff.figures],
            "words": {"inserted": inserted, "deleted": deleted},
            "moved": [{"from_index": p.old_index, "to_index": p.new_index, "edited": p.edited}
                      for p in body.paragraphs if p.kind == "moved"],
            "paragraphs": [p.to_json() for p in body.paragraphs],
            "capped": list(body.capped),
        }


class EditReader:
    """Reads versions and their texts for diffs, caching texts by (URL, hash)."""

    def __init__(self, index: Index, layout: DataLayout,
                 limits: DiffLimits = DEFAULT_LIMITS) -> None:
        self.index = index
        self.layout = layout
        self.limits = limits
        self._texts: dict[tuple[str, str], VersionText] = {}
        self._histories: dict[str, list[UrlDiff]] = {}

    def runs(self, url: str) -> list[Side]:
        """The texts `url` showed, in order, repeats collapsed (see module docstring)."""
        sides = []
        for text_hash, capture in text_runs(self.index.captures(url)):
            version = self.index.version(url, text_hash)
            if version is not None:
                sides.append(Side(version, capture))
        return sides

    def text(self, url: str, version: Version) -> VersionText:
        """The headline, byline and body of a version, read from its conversion record."""
        key = (url, version.text_hash)
        if key not in self._texts:
            if version.text_file is None or version.text_offset is None:
                raise NotFoundError(f"the text of {url} version {version.text_hash} is not "
                                    "archived")
            first = self.index.capture_by_id(version.first_capture)
            if first is None:
                raise NotFoundError(f"{url}: the capture of version {version.text_hash} is "
                                    "not indexed")
            body = read_text(self.layout, first.collection, version.text_file,
                             version.text_offset)
            self._texts[key] = VersionText(version.title, version.byline, body,
                                           version_language(version, body))
        return self._texts[key]

    def compare(self, url: str, old: Side, new: Side) -> UrlDiff:
        """The diff between two sides of one URL."""
        result = diff_versions(self.text(url, old.version), self.text(url, new.version),
                               self.limits)
        return UrlDiff(url, old, new, result)

    def diff(self, url: str, old_at: datetime | None = None,
             new_at: datetime | None = None) -> UrlDiff:
        """`palimpsest diff`: the versions the page showed at `old_at` and at `new_at`.

        Without times: the last two texts. With only `new_at`: the text current then and the
        one before it. With only `old_at`: the text current then and the latest.
        """
        url = lookup_url(self.index, url)
        runs = self.runs(url)
        if not runs:
            raise NotFoundError(f"no extracted version of {url}")
        new = _current(runs, new_at, url) if new_at else len(runs) - 1
        if old_at is not None:
            old = _current(runs, old_at, url)
        elif new == 0:
            raise NotFoundError(
                f"{url} has one version only (first seen {runs[0].version.first_seen}); "
                "nothing to compare it with")
        else:
            old = new - 1
        return self.compare(url, runs[old], runs[new])

    def history(self, url: str) -> list[UrlDiff]:
        """Every edit of `url` in order: each text against the one before it (cached)."""
        if url not in self._histories:
            runs = self.runs(url)
            self._histories[url] = [self.compare(url, old, new)
                                    for old, new in zip(runs, runs[1:])]
        return self._histories[url]


def version_language(version: Version, body: str) -> str | None:
    """A version's language: as its pageinfo record gave it, else (an archive made before
    languages were recorded) what its text reads as, when the detector is sure; else None,
    and its ambiguous figures are reported as such."""
    if version.language:
        return version.language
    return detect_language(f"{version.title or ''}\n{body}").language


def _current(runs: list[Side], when: datetime, url: str) -> int:
    """The position of the text the page showed at `when`."""
    moment = to_iso(when)
    position = None
    for number, side in enumerate(runs):
        if side.capture.fetched_at <= moment:
            position = number
    if position is None:
        raise NotFoundError(f"no version of {url} at {moment} (first captured "
                            f"{runs[0].capture.fetched_at})")
    return position
