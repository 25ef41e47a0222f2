"""`palimpsest verify [--repair] [FILE...]`: strict check of the archive and of its index."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.common import (
    EXIT_FAILED,
    EXIT_USAGE,
    Failure,
    data_option,
    domain_errors,
    print_json,
    resolve_data,
)
from archive.exceptions import LockHeldError
from archive.store.layout import DataLayout
from archive.store.lock import DataLock
from archive.verify.files import Defect, check_file


@click.command("verify")
@click.argument("files", nargs=-1,
                type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@data_option
@click.option("--repair", is_flag=True,
              help="Close files a crash left .open (cut to their last whole record) and bring "
                   "the index in line with the WARCs, then check.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@domain_errors
def verify(files: tuple[Path, ...], data_dir: Path | None, repair: bool, as_json: bool) -> None:
    """Check every WARC record and every index row; exit 1 with one line per defect.

    With FILE arguments, check just those WARC or WACZ files (e.g. before importing them).
    """
    repaired: list[str] = []
    ignored = 0
    if files:
        if repair:
            raise Failure("--repair works on a data folder, not on files", EXIT_USAGE)
        defects, notes, counts = _verify_files(files)
    else:
        defects, notes, counts, repaired, ignored = _verify_folder(resolve_data(data_dir),
                                                                   repair)
    _report(defects, notes, counts, repaired, ignored, as_json)
    if defects:
        raise click.exceptions.Exit(EXIT_FAILED)


def _verify_files(files: tuple[Path, ...]):
    """WARC files strictly; a WACZ as a WACZ (archive.interchange.waczcheck)."""
    from archive.warc.formats import WACZ, sniff

    defects, notes, counts = [], [], [0, 0]
    for path in files:
        if sniff(path) == WACZ:
            from archive.interchange.waczcheck import check_wacz

            package = check_wacz(path)
            found, records, checked = package, package.records, len(package.warcs)
        else:
            found = check_file(path)
            records, checked = len(found.records), 1
        defects += found.defects
        notes += found.notes
        counts[0] += checked
        counts[1] += records
    return defects, notes, tuple(counts)


def _verify_folder(root: Path, repair: bool):
    from archive.verify.consistency import bring_in_line
    from archive.verify.data import verify_data

    layout = DataLayout(root)
    if not layout.root.is_dir():
        raise Failure(f"no data folder at {layout.root}")
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
            repaired = [_describe(item) for item in done.recovered]
            if done.rebuilt:
                repaired.append("index rebuilt from the whole records: " +
                                "; ".join(done.problems[:5]))
            elif done.caught_up:
                repaired.append(f"indexed {done.caught_up} records the index had not seen")
        report = verify_data(layout.root, live=live)
    finally:
        if not live:
            lock.release()
    return (report.all_defects(), report.notes, (len(report.files), report.records), repaired,
            report.ignored_descriptions)


def _describe(item) -> str:
    if item.quarantined:
        return f"quarantined {item.path.name} (no whole record)"
    if item.set_aside is not None:
        return (f"closed {item.path.name} at byte {item.kept_bytes}; damaged bytes kept in "
                f"{item.set_aside.name}")
    if item.dropped_bytes:
        return f"closed {item.path.name}, dropping a torn record of {item.dropped_bytes} bytes"
    return f"closed {item.path.name}"


def _report(defects: list[Defect], notes: list[Defect], counts: tuple[int, int],
            repaired: list[str], ignored: int, as_json: bool) -> None:
    files, records = counts
    if as_json:
        print_json({
            "files": files, "records": records, "repaired": repaired,
            "defects": [_json(d) for d in defects], "notes": [_json(n) for n in notes],
            "ignored_descriptions": ignored,
        })
        return
    for line in repaired:
        click.echo(f"repaired: {line}", err=True)
    for defect in defects:
        click.echo(str(defect))
    for note in notes:
        click.echo(f"note: {note}", err=True)
    verdict = f"{len(defects)} defects" if defects else "no defects"
    if ignored:
        verdict += (f"; {ignored} descriptions name records their file may not speak for "
                    "(kept, left out of the index)")
    click.echo(f"verified {files} WARC files, {records} records: {verdict}", err=True)


def _json(defect: Defect) -> dict:
    return {"file": defect.path, "offset": defect.offset, "problem": defect.problem,
            "kind": defect.kind}
