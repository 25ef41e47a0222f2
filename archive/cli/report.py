"""`palimpsest report`: the static HTML site of edits and its Atom feed."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.common import (
    EXIT_USAGE,
    Failure,
    data_option,
    domain_errors,
    index_option,
    open_for_reading,
    replay_base_option,
)
from archive.cli.edits import when_option
from archive.cli.help import Documented
from archive.cli.progress import archive_progress
from archive.report.render import safe_href
from archive.report.site import build_report, default_out


@click.command(
    "report", cls=Documented,
    example="palimpsest report --since 1w --out /var/www/edits --data data")
@data_option
@index_option
@click.option("--since", metavar="WHEN",
              help="Report changes in this last period (1h, 2d, 1w) or since this time "
                   "(ISO 8601).", show_default="all")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              show_default="DATA/report", help="Folder to write the site into.")
@replay_base_option
@click.option("--site-url", metavar="URL",
              help="The public URL the report will be published at, for absolute links in "
                   "the Atom feed.", show_default="relative links")
@domain_errors
def report(data_dir: Path | None, since: str | None, out_dir: Path | None,
           replay_base: str | None, site_url: str | None) -> None:
    """Write a static HTML report of edits, with an Atom feed, for publishing as it is."""
    moment = when_option(since, "--since")
    if replay_base is not None and safe_href(replay_base) is None:
        raise Failure(f"--replay-base {replay_base!r}: must be an absolute http(s) URL",
                      EXIT_USAGE)
    layout, index = open_for_reading(data_dir)
    try:
        with archive_progress() as progress:
            result = build_report(index, layout, out_dir or default_out(layout), moment,
                                  replay_base, site_url, progress=progress)
    finally:
        index.close()
    click.echo(f"Report: {result.index}  ({result.pages} pages, {result.edits} edits, "
               f"{result.removed} taken down, {result.restored} restored; feed {result.feed})")
