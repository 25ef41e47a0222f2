"""`palimpsest demo`: crawl the bundled demo site through its edits, then show the results."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from archive.cli.common import data_option, domain_errors, resolve_data
from archive.demo.finale import show_edits
from archive.demo.site import DEFAULT_PORT
from archive.demo.tour import run_tour
from archive.index import open_index
from archive.replay.urls import replay_url


@click.command("demo")
@data_option
@click.option("--port", type=int, default=DEFAULT_PORT, show_default=True,
              help="Port for the demo site on 127.0.0.1 and 127.0.0.2 (0: any free port).")
@domain_errors
def demo(data_dir: Path | None, port: int) -> None:
    """Run the whole job offline against the bundled demo site."""
    data = resolve_data(data_dir)
    console = Console(highlight=False)
    run = run_tour(data, port, say=console.print)
    index = open_index(data, readonly=True)
    try:
        table = Table(title="\nWhat was archived", title_justify="left")
        for column in ("role", "url", "captures", "versions", "state"):
            table.add_column(column, overflow="fold")
        for page in index.pages("demo"):
            if page.role in ("article", "source"):
                table.add_row(page.role, page.url, str(page.fetches),
                              str(len(index.versions(page.url))), page.state)
        console.print(table)
    finally:
        index.close()
    console.print(f"\nData folder: {data}  (WARCs in {data}/collections/demo/archive)")
    console.print(f"Try: palimpsest history {run.site.article_urls['A']} --data {data}\n")
    show_edits(data, console)
    _say_how_to_replay(console, data, run.site.article_urls["A"])


def _say_how_to_replay(console: Console, data: Path, url: str) -> None:
    """The replay command, and the replay URL of the article's first capture."""
    index = open_index(data, readonly=True)
    try:
        first = index.captures(url)[0]
    finally:
        index.close()
    console.print(f"Replay every capture as it was served: palimpsest replay --data {data}",
                  soft_wrap=True)
    console.print(f"  then open {replay_url(first.collection, first.fetched_at, url)}",
                  soft_wrap=True, markup=False)
