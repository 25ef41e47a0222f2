"""`palimpsest demo`: crawl the bundled demo site through its edits, then show the results."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from archive.cli.common import command_as_typed, data_option, domain_errors, resolve_data
from archive.cli.help import Documented
from archive.demo.finale import present
from archive.demo.site import DEFAULT_PORT
from archive.demo.tour import run_tour


@click.command(
    "demo", cls=Documented,
    example="palimpsest demo --data demo-data")
@data_option
@click.option("--port", type=int, default=DEFAULT_PORT, show_default=True,
              help="Port for the demo site on 127.0.0.1 and 127.0.0.2 (0: any free port).")
@domain_errors
def demo(data_dir: Path | None, port: int) -> None:
    """Run the whole job offline against the bundled demo site."""
    data = resolve_data(data_dir)
    console = Console(highlight=False)
    # Whole lines, never broken at the width: URLs and paths in them can be copied.
    run = run_tour(data, port,
                   say=lambda line: console.print(line, soft_wrap=True, markup=False))
    present(data, run.site.article_urls["A"], console, command_as_typed())
