"""`palimpsest verify [--repair] [FILE...]`: strict check of the archive and of its index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from archive.cli.common import (
    EXIT_FAILED,
    EXIT_USAGE,
    Failure,
    data_option,
    domain_errors,
    existing_data,
    print_json,
)
from archive.cli.help import Documented
from archive.cli.progress import archive_progress
from archive.verify.files import Defect
from archive.verify.verdict import Verification, verify_files, verify_folder


@click.command(
    "verify", cls=Documented,
    arguments={"FILES": "Optional: WARC or WACZ files to check instead of the data folder."},
    example="palimpsest verify --data data")
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
    if files and repair:
        raise Failure("--repair works on a data folder, not on files", EXIT_USAGE)
    with archive_progress(as_json=as_json) as progress:
        result = verify_files(files, progress) if files else \
            verify_folder(existing_data(data_dir), repair=repair, progress=progress)
    _report(result, as_json)
    if result.defects:
        raise click.exceptions.Exit(EXIT_FAILED)


def _report(result: Verification, as_json: bool) -> None:
    if as_json:
        print_json({
            "files": result.files, "records": result.records, "repaired": result.repaired,
            "defects": [_json(d) for d in result.defects],
            "notes": [_json(n) for n in result.notes],
            "ignored_descriptions": result.ignored_descriptions,
        })
        return
    for line in result.repaired:
        click.echo(f"repaired: {line}", err=True)
    for defect in result.defects:
        click.echo(str(defect))
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    verdict = _count(len(result.defects), "defect") if result.defects else "no defects"
    if result.ignored_descriptions:
        verdict += (f"; {result.ignored_descriptions} descriptions name records their file may "
                    "not speak for (kept, left out of the index)")
    click.echo(f"verified {_count(result.files, 'WARC file')}, "
               f"{_count(result.records, 'record')}: {verdict}", err=True)


def _count(number: int, noun: str) -> str:
    """`1 record`, `2 records`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _json(defect: Defect) -> dict[str, Any]:
    return {"file": defect.path, "offset": defect.offset, "problem": defect.problem,
            "kind": defect.kind}
