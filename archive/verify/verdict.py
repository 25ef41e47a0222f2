"""What `palimpsest verify` checks and finds: some WARC files, or a whole data folder.

A folder is checked under its crawl lock when the lock is free; when a crawl holds it, the
check runs anyway and the crawl's open file is not taken for a crash's leftover. `--repair`
(never under a running crawl) first cuts `.open` files back to their last whole record and
brings the index in line with the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from archive.exceptions import LockHeldError, NotFoundError
from archive.progress import Report, tracked_files
from archive.store.layout import DataLayout
from archive.store.lock import DataLock
from archive.verify.files import Defect, FileReport, check_file
from archive.verify.recovery import Recovered

if TYPE_CHECKING:
    from archive.verify.wacz import WaczReport


@dataclass
class Verification:
    """The defects (each one makes the check fail), notes, what was checked and repaired."""

    defects: list[Defect] = field(default_factory=list)
    notes: list[Defect] = field(default_factory=list)
    files: int = 0
    records: int = 0
    repaired: list[str] = field(default_factory=list)  # one line per repair, for people
    ignored_descriptions: int = 0  # descriptions the index leaves out (archive.index.ingest)


def verify_files(paths: Iterable[Path], progress: Report | None = None) -> Verification:
    """Strictly check these files (before importing them, say): WARC files record by record,
    a WACZ as a WACZ (archive.verify.wacz), an ARC file named as one."""
    from archive.verify.wacz import check_wacz
    from archive.warc.formats import WACZ, sniff

    found = Verification()
    package: WaczReport | FileReport
    for path in tracked_files("checking", list(paths), progress):
        if sniff(path) == WACZ:
            package = check_wacz(path)
            found.files += len(package.warcs)
            found.records += package.records
        else:
            package = check_file(path)
            found.files += 1
            found.records += len(package.records)
        found.defects += package.defects
        found.notes += package.notes
    return found


def verify_folder(root: Path, *, repair: bool = False,
                  progress: Report | None = None) -> Verification:
    """Check every WARC file of a data folder and every index row against them; with
    `repair`, mend what a crash left first (LockHeldError while a crawl runs)."""
    from archive.verify.consistency import bring_in_line
    from archive.verify.data import verify_data

    layout = DataLayout(root)
    if not layout.root.is_dir():
        raise NotFoundError(f"no data folder at {layout.root}")
    lock = DataLock(layout.lock_path)
    try:
        lock.acquire()
        live = False
    except LockHeldError:
        if repair:
            raise  # never repair under a running crawl (exit 75)
        live = True  # a crawl is running: its open file is not a crash leftover
    repaired = []
    try:
        if repair:
            done = bring_in_line(layout.root, thorough=True)
            repaired = [_recovery_line(item) for item in done.recovered]
            if done.rebuilt:
                repaired.append("index rebuilt from the whole records: " +
                                "; ".join(done.problems[:5]))
            elif done.caught_up:
                repaired.append(f"indexed {done.caught_up} records the index had not seen")
        report = verify_data(layout.root, live=live, progress=progress)
    finally:
        if not live:
            lock.release()
    return Verification(report.all_defects(), report.notes, len(report.files), report.records,
                        repaired, report.ignored_descriptions)


def _recovery_line(item: Recovered) -> str:
    if item.quarantined:
        return f"quarantined {item.path.name} (no whole record)"
    if item.set_aside is not None:
        return (f"closed {item.path.name} at byte {item.kept_bytes}; damaged bytes kept in "
                f"{item.set_aside.name}")
    if item.dropped_bytes:
        return f"closed {item.path.name}, dropping a torn record of {item.dropped_bytes} bytes"
    return f"closed {item.path.name}"
