"""The replay index: one sorted CDXJ file per collection, kept current without rescanning.

pywb finds captures by binary search in `DATA/collections/<c>/indexes/index.cdxj`, so the file
must stay sorted. After every crawl and import, only the bytes of each WARC file past the last
record the CDXJ already lists are read, and the new lines are merge-sorted into the file, which
is then replaced atomically: pywb, reading it at the same time, sees the old file or the new
one, never half of one. Identical lines collapse in the merge, so indexing a range twice (after
a crash, say) changes nothing.

The lines themselves come from archive.replay.cdxjlines: only records the strict reader finds
whole, as for the index and `verify`, and damage is reported, never indexed past silently.

One deliberate difference from plain cdxj-indexer output: a `server-not-modified` revisit (a 304)
is listed with the location, status and type of the response it confirms. pywb replays any 3xx
record as an empty redirect, so a 304 listed as itself would replay as a blank page; listed this
way it replays the page the server said was unchanged, at the 304's own time. Its own place in
the WARC stays in the line as `record_filename`, `record_offset` and `record_length`.
"""

from __future__ import annotations

import heapq
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from archive.exceptions import ConfigError
from archive.index import Index, open_index
from archive.progress import Report, tracked_files
from archive.replay.cdxjlines import Misaligned, Resolver, index_lines
from archive.store.confined import create_new, real_dir
from archive.store.durable import fsync_directory
from archive.store.layout import DataLayout

logger = logging.getLogger(__name__)

TEMP_SUFFIX = ".tmp"  # pywb only reads *.cdx and *.cdxj, so it never sees a half-written file
RUN_LINES = 10_000  # new lines held in memory at once (about 4 MB); more are sorted on disk


@dataclass
class CdxjUpdate:
    """What one update of a collection's CDXJ did."""

    collection: str
    added: int = 0  # lines that were not in the file before
    files: int = 0  # WARC files with bytes indexed this time
    problems: list[str] = field(default_factory=list)


class SortedRuns:
    """New CDXJ lines, as cdxj-indexer writes them, held sorted with at most `limit` of them in
    memory: each fuller run is sorted and spilled to a temporary file beside the CDXJ, and
    the runs are merged back lazily. A 20,000-page crawl adds some 40,000 lines; held whole,
    they raised its peak memory from 119 to 148 MiB (measured with bench/throughput.py)."""

    def __init__(self, directory: Path, limit: int | None = None) -> None:
        self.directory = directory
        self.limit = limit or RUN_LINES
        self.lines: list[str] = []
        self.files: list[Path] = []
        self.count = 0
        self._partial = ""

    def write(self, text: str) -> None:
        *complete, self._partial = (self._partial + text).split("\n")
        for line in complete:
            self._add(line)

    def end_of_file(self) -> None:
        """A line cut short by an error mid-file is not a line: dropped."""
        self._partial = ""

    def _add(self, line: str) -> None:
        if not line.strip():
            return
        self.lines.append(line + "\n")
        self.count += 1
        if len(self.lines) >= self.limit:
            self._spill()

    def _spill(self) -> None:
        run = self.directory / f"index.cdxj.run{len(self.files)}{TEMP_SUFFIX}"
        self.lines.sort()
        run.unlink(missing_ok=True)  # a killed update's leftover (or a link planted there)
        with os.fdopen(create_new(run), "w", encoding="utf-8") as out:
            out.writelines(self.lines)
        self.files.append(run)
        self.lines = []

    def sorted_sources(self) -> list[Iterable[str]]:
        """Sorted iterables of all the lines: the runs on disk, then those in memory."""
        self.lines.sort()
        return [*(_read_lines(run) for run in self.files), self.lines]

    def close(self) -> None:
        for run in self.files:
            run.unlink(missing_ok=True)
        self.files = []


def _read_lines(path: Path) -> Iterable[str]:
    with path.open(encoding="utf-8") as lines:
        yield from lines


def indexed_ends(path: Path) -> dict[str, int] | None:
    """For each WARC file the CDXJ lists, the end of the last record it lists.

    None when the file is not a sorted CDXJ this module could have written (then it is rebuilt).
    """
    ends: dict[str, int] = {}
    previous = ""
    try:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line < previous:
                    return None
                previous = line
                fields = json.loads(line.split(" ", 2)[2])
                name = fields.get("record_filename") or fields["filename"]
                offset = int(fields.get("record_offset") or fields["offset"])
                length = int(fields.get("record_length") or fields["length"])
                ends[name] = max(ends.get(name, 0), offset + length)
    except FileNotFoundError:
        return {}
    except (IndexError, KeyError, ValueError, UnicodeDecodeError):
        return None
    return ends


def merge_into(path: Path, new_lines: SortedRuns, keep_existing: bool = True) -> int:
    """Merge `new_lines` into the sorted CDXJ at `path`, atomically; return the net lines added."""
    temp = path.with_name(path.name + TEMP_SUFFIX)
    temp.unlink(missing_ok=True)  # a killed update's leftover (or a link planted there)
    existing = path.open(encoding="utf-8") if keep_existing and path.exists() else None
    counted = [0]

    def existing_lines() -> Iterable[str]:
        for line in existing or ():
            counted[0] += 1
            yield line if line.endswith("\n") else line + "\n"

    written = 0
    try:
        with os.fdopen(create_new(temp), "w", encoding="utf-8") as out:
            sources = new_lines.sorted_sources()
            if existing is not None:
                sources.append(existing_lines())
            last = None
            for line in heapq.merge(*sources):
                if line != last:
                    out.write(line)
                    written += 1
                last = line
            out.flush()
            os.fsync(out.fileno())
    finally:
        if existing is not None:
            existing.close()
    os.replace(temp, path)
    fsync_directory(path.parent)
    return written - counted[0]


def original_resolver(index: Index | None, collection: str) -> Resolver:
    """Look up the response a 304 revisit refers to, as CDXJ fields (same collection only)."""

    def resolve(record_id: str) -> dict[str, str] | None:
        if index is None:
            return None
        capture = index.capture_by_record(record_id)
        if capture is None or capture.collection != collection or capture.kind != "response":
            return None
        fields = {"mime": (capture.mime or "").split(";", 1)[0].strip() or "unk",
                  "status": str(capture.status) if capture.status is not None else "-",
                  "digest": capture.payload_digest or "-",
                  "length": str(capture.warc_length), "offset": str(capture.warc_offset),
                  "filename": capture.warc_file}
        return fields

    return resolve


def update_cdxj(data_dir: str | Path, collection: str, index: Index | None = None,
                *, rebuild: bool = False, progress: Report | None = None) -> CdxjUpdate:
    """Bring a collection's CDXJ up to date with its WARC files (from scratch if `rebuild`).

    The caller holds the data lock; the SQLite index should already be current, since 304
    revisits are resolved through it.
    """
    try:
        return _update(DataLayout(data_dir), collection, index, rebuild, progress)
    except Misaligned as exc:
        logger.warning("replay index of %s: %s; rebuilding it from the WARC files", collection,
                       exc)
        return _update(DataLayout(data_dir), collection, index, True, progress)


def _update(layout: DataLayout, collection: str, index: Index | None,
            rebuild: bool, progress: Report | None = None) -> CdxjUpdate:
    path = layout.cdxj_path(collection)
    result = CdxjUpdate(collection)
    try:
        real_dir(layout.root, path.parent)  # no symlink sends the index elsewhere
    except (ConfigError, OSError) as exc:
        result.problems.append(f"cannot write {path}: {exc}")
        return result
    ends = {} if rebuild else indexed_ends(path)
    if ends is None:
        logger.warning("%s is not a sorted CDXJ; rebuilding it from the WARC files", path)
        rebuild, ends = True, {}
    own_index = index is None and layout.index_path.exists()
    if own_index:
        index = open_index(layout.root, readonly=True)
    try:
        new_lines = SortedRuns(path.parent)
        try:
            resolve = original_resolver(index, collection)
            warcs = layout.warc_files(collection)
            for warc in tracked_files(f"replay index of {collection}", warcs, progress):
                start = ends.get(warc.name, 0)
                if warc.stat().st_size <= start:
                    continue
                problem = index_lines(warc, start, resolve, new_lines)
                result.files += 1
                if problem:
                    result.problems.append(problem)
                    logger.error("replay index: %s", problem)
            if new_lines.count or rebuild:
                try:
                    result.added = merge_into(path, new_lines, keep_existing=not rebuild)
                except OSError as exc:
                    result.problems.append(f"cannot write {path}: {exc}")
                    logger.error("replay index: cannot write %s: %s", path, exc)
        finally:
            new_lines.close()
    finally:
        if own_index and index is not None:
            index.close()
    return result


def update_all(data_dir: str | Path, collections: Iterable[str] | None = None,
               index: Index | None = None, *, rebuild: bool = False,
               progress: Report | None = None) -> list[CdxjUpdate]:
    """Update the CDXJ of each collection (default: every collection of the data folder)."""
    names = DataLayout(data_dir).collections() if collections is None else list(collections)
    return [update_cdxj(data_dir, name, index, rebuild=rebuild, progress=progress)
            for name in names]
