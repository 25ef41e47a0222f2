"""`palimpsest export`: a collection, or what it captured since a time, as one WACZ file.

py-wacz (`wacz create`) indexes the WARC files and packs them with their page lists and a
datapackage of hashes; this module chooses the files and writes the page lists. WARC files go in
whole and untouched, so `--since` takes every file holding a capture made since then, plus the
files holding the originals their revisits point to (a revisit alone replays nothing), and the
files holding each page's requisites and screenshot.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from archive import __version__
from archive.exceptions import ConfigError, NothingArchivedError, PalimpsestError
from archive.index import Capture, Index, open_index
from archive.interchange.pagelist import page_lists, write_page_list
from archive.progress import Done, Report, file_size
from archive.store.layout import DataLayout
from archive.timeutil import from_iso, to_iso
from archive.warc import brotlicompat

logger = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".partial"
# How often the size of a WACZ being written is looked at, for a progress bar (seconds).
PROGRESS_INTERVAL = 0.5


@dataclass
class ExportResult:
    """What went into a WACZ."""

    path: Path
    warc_files: list[str] = field(default_factory=list)
    pages: int = 0
    extra_pages: int = 0
    size: int = 0

    def to_json(self) -> dict[str, Any]:
        """What `palimpsest export --json` prints."""
        return {"file": str(self.path), "warc_files": self.warc_files, "pages": self.pages,
                "extra_pages": self.extra_pages, "bytes": self.size}


def files_since(index: Index, collection: str, since: str | None,
                available: list[str]) -> list[str]:
    """The WARC files of `collection` an export since `since` needs, in name (time) order."""
    if since is None:
        return list(available)
    wanted: set[str] = set()
    for capture in index.iter_captures(since):
        if capture.collection != collection:
            continue
        wanted.add(capture.warc_file)
        if capture.refers_to:
            original = index.capture_by_record(capture.refers_to)
            if original is not None and original.collection == collection:
                wanted.add(original.warc_file)
        if capture.text_hash:
            version = index.version(capture.url, capture.text_hash)
            if version is not None and version.text_file:
                wanted.add(version.text_file)
        wanted |= resource_files(index, capture, collection)
    return [name for name in available if name in wanted]


def resource_files(index: Index, capture: Capture, collection: str) -> set[str]:
    """The files a page capture needs beyond its own: its requisites' captures (each one
    replay would serve: the closest in time, and a revisit's original) and its screenshot,
    which may all be older than `--since` (a fresh requisite is not fetched again)."""
    files: set[str] = set()
    for row in index.requisites_of(capture.id) if capture.id is not None else ():
        candidates = [c for c in index.captures(row["url"]) if c.collection == collection]
        if not candidates:
            continue
        closest = min(candidates, key=lambda c: (abs(_seconds(c.fetched_at)
                                                     - _seconds(capture.fetched_at)), c.id))
        files.add(closest.warc_file)
        if closest.refers_to:
            original = index.capture_by_record(closest.refers_to)
            if original is not None and original.collection == collection:
                files.add(original.warc_file)
    view = index.view_of(capture.id) if capture.id is not None else None
    if view is not None and view.warc_file:
        files.add(view.warc_file)
    return files


def _seconds(stamp: str) -> float:
    return from_iso(stamp).timestamp()


def export_wacz(data_dir: str | Path, collection: str, out: str | Path,
                since: datetime | None = None, progress: Report | None = None) -> ExportResult:
    """Write `collection` (captures since `since`, if given) to the WACZ file `out`;
    `progress` hears how much of the WARC files is packed so far."""
    layout = DataLayout(data_dir)
    layout.require_collection(collection)
    out = Path(out)
    warcs = {path.name: path for path in layout.warc_files(collection)}
    if not warcs:
        raise NothingArchivedError(f"no WARC files in collection {collection!r} of "
                                   f"{layout.root}")
    if not layout.index_path.exists():
        raise NothingArchivedError(f"no index at {layout.index_path} (run `palimpsest reindex`)")
    if out.suffix.lower() != ".wacz":
        raise ConfigError(f"{out}: a WACZ file name must end in .wacz")
    since_iso = to_iso(since) if since else None
    index = open_index(layout.root, readonly=True)
    try:
        names = files_since(index, collection, since_iso, list(warcs))
        if not names:
            raise NothingArchivedError(f"nothing captured in {collection!r} since {since_iso}")
        articles, sources = page_lists(index, collection, since_iso, set(names))
    finally:
        index.close()
    result = ExportResult(out, names, len(articles), len(sources))
    with tempfile.TemporaryDirectory(prefix="palimpsest-wacz-") as scratch:
        pages = write_page_list(Path(scratch) / "pages.jsonl", "pages", "Articles", articles)
        extra = write_page_list(Path(scratch) / "extraPages.jsonl", "extra-pages",
                                "Cited sources", sources) if sources else None
        title = f"Palimpsest collection {collection}"
        desc = (f"Captures of {collection}" + (f" since {since_iso}" if since_iso else "")
                + f", exported by palimpsest {__version__}")
        _create(out, [warcs[name] for name in names], pages, extra, title, desc, progress)
    result.size = out.stat().st_size
    return result


def _create(out: Path, warcs: list[Path], pages: Path, extra: Path | None, title: str,
            desc: str, progress: Report | None = None) -> None:
    """Run `wacz create` into a folder of its own beside `out`, then give the file its name:
    never half a WACZ, and no name in `out`'s folder is written through or deleted but `out`
    itself (a link planted at `out` is refused, not followed)."""
    from wacz.main import main as wacz_main  # py-wacz pulls in frictionless: load it on demand

    brotlicompat.install()  # py-wacz reads every record's content, br-encoded ones too
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.is_symlink():
        raise ConfigError(f"{out} is a symbolic link: refusing to write through it")
    with tempfile.TemporaryDirectory(prefix=".palimpsest-export-", dir=out.parent) as folder:
        partial = Path(folder) / (out.name + PARTIAL_SUFFIX)
        args = ["create", "-o", str(partial), "--pages", str(pages), "--copy-pages",
                "--title", title, "--desc", desc]
        if extra is not None:
            args += ["--extra-pages", str(extra)]
        args += [str(path) for path in warcs]
        chatter = io.StringIO()  # py-wacz prints its progress; keep it out of our output
        try:
            with contextlib.redirect_stdout(chatter):
                code = _watched(lambda: wacz_main(args), partial, warcs, progress)
        except Exception as exc:  # py-wacz raises bare exceptions on bad input
            raise PalimpsestError(f"wacz create failed: {exc}") from exc
        finally:
            logger.debug("wacz create: %s", chatter.getvalue())
        if code != 0:
            raise PalimpsestError(f"wacz create failed: {chatter.getvalue().strip()}")
        os.replace(partial, out)


def _watched(work: Callable[[], int], partial: Path, warcs: list[Path],
             progress: Report | None) -> int:
    """Run py-wacz's `work`; with `progress`, tell it meanwhile how far the package has grown
    against the WARC files it will hold (py-wacz reports nothing itself). Its exceptions are
    raised here, as if it had run in this thread."""
    if progress is None:
        return work()
    sizes = [file_size(path) for path in warcs]
    outcome: list[int] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread as it is
            failure.append(exc)

    worker = threading.Thread(target=run, name="wacz-create", daemon=True)
    worker.start()
    while worker.is_alive():
        written = file_size(partial)
        whole = sum(1 for end in itertools.accumulate(sizes) if end <= written)
        progress(Done("packing", whole, len(sizes), min(written, sum(sizes)), sum(sizes)))
        worker.join(PROGRESS_INTERVAL)
    if failure:
        raise failure[0]
    progress(Done("packing", len(sizes), len(sizes), sum(sizes), sum(sizes)))
    return outcome[0]
