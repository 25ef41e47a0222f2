"""`palimpsest export` (a collection as WACZ) and `palimpsest import` (WARC/WACZ made elsewhere)."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

import click

from archive.cli.common import (
    EXIT_FAILED,
    EXIT_USAGE,
    Failure,
    data_option,
    domain_errors,
    existing_data,
    print_json,
    resolve_data,
)
from archive.cli.help import Documented
from archive.cli.progress import archive_progress
from archive.store.layout import DataLayout
from archive.store.lock import DataLock
from archive.timeutil import parse_when


@click.command(
    "export", cls=Documented,
    arguments={"COLLECTION": "The collection to package (a folder of DATA/collections)."},
    example="palimpsest export news --wacz news.wacz --since 7d --data data")
@click.argument("collection")
@data_option
@click.option("--wacz", "out", required=True, metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path), help="The WACZ file to write.")
@click.option("--since", metavar="WHEN",
              help="Only captures since WHEN (ISO 8601, or a duration ago such as 7d).")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@domain_errors
def export(collection: str, data_dir: Path | None, out: Path, since: str | None,
           as_json: bool) -> None:
    """Package COLLECTION as a WACZ file (for ReplayWeb.page, pywb, other archives)."""
    from archive.interchange.export import (
        export_wacz,  # py-wacz is heavy; only this command needs it
    )

    try:
        moment = parse_when(since) if since else None
    except ValueError as exc:
        raise Failure(f"--since: {exc}", EXIT_USAGE) from None
    # Python ends on SIGTERM or SIGHUP without unwinding, which would leave the staging
    # folders behind (a WACZ of gigabytes); as an exception, every `with` cleans up first.
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _exit_on_signal)
    with archive_progress(as_json=as_json) as progress:
        result = export_wacz(existing_data(data_dir), collection, out, moment, progress)
    if as_json:
        print_json(result.to_json())
        return
    click.echo(f"{result.path}: {len(result.warc_files)} WARC files, {result.pages} article "
               f"versions in pages.jsonl, {result.extra_pages} source versions in "
               f"extraPages.jsonl, {result.size} bytes")


def _exit_on_signal(number: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + number)  # the shell's code for "ended by signal N"


@click.command(
    "import", cls=Documented,
    arguments={"FILES": "WARC (.warc, .warc.gz) or WACZ files made by other tools."},
    example="palimpsest import other-archive.wacz --collection imported --data data")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@data_option
@click.option("--collection", default="imported", show_default=True, metavar="NAME",
              help="The collection to add the captures to.")
@click.option("--max-bytes", type=click.IntRange(1), default=None, metavar="N",
              show_default="20 GiB",
              help="Refuse a file (a WACZ: its WARC files together) bigger than this.")
@click.option("--json", "as_json", is_flag=True, help="Print what was imported as JSON.")
@domain_errors
def import_command(files: tuple[Path, ...], data_dir: Path | None, collection: str,
                   max_bytes: int | None, as_json: bool) -> None:
    """Add the captures in WARC or WACZ FILES, made by other tools, to a collection."""
    from archive.interchange.importer import DEFAULT_MAX_BYTES, import_files

    layout = DataLayout(resolve_data(data_dir))
    with DataLock(layout.lock_path), archive_progress(as_json=as_json) as progress:
        result = import_files(layout.root, list(files), collection,
                              max_bytes or DEFAULT_MAX_BYTES, progress)
    if as_json:
        print_json(result.to_json())
    else:
        click.echo(f"{collection}: {len(result.files)} WARC files added ({result.records} "
                   f"records), {result.pages} pages described: {result.new_versions} new "
                   f"versions, {result.extraction_failed} extraction failed, "
                   f"{result.not_article} not articles"
                   + (f"; {result.described_in_files} more came described by the files' "
                      "own records" if result.described_in_files else ""))
        for source in result.already:
            click.echo(f"already archived: {source}")
        if result.ignored_descriptions:
            click.echo(f"{len(result.ignored_descriptions)} descriptions in these files name "
                       "records they may not speak for (crawled here, or brought in by another "
                       "import): kept in the WARC, left out of the index")
            for ignored in result.ignored_descriptions[:5]:
                click.echo(f"  {ignored}")
    for problem in result.problems:
        click.echo(f"problem: {problem}", err=True)
    if result.problems:
        raise click.exceptions.Exit(EXIT_FAILED)
