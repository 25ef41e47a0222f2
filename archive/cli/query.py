"""`palimpsest history URL` and `palimpsest show URL [--at WHEN]`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from archive.cli.common import (
    EXIT_USAGE,
    Failure,
    data_option,
    domain_errors,
    index_option,
    open_for_reading,
    print_json,
    replay_base_option,
)
from archive.timeutil import parse_when
from archive.versions.history import history as history_of
from archive.versions.history import version_at


@click.command("history")
@click.argument("url")
@data_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@replay_base_option
@domain_errors
def history(url: str, data_dir: Path | None, as_json: bool, replay_base: str | None) -> None:
    """Captures and versions of URL, oldest first, each capture with its replay link."""
    layout, index = open_for_reading(data_dir)
    try:
        result = history_of(index, url, replay_base)
    finally:
        index.close()
    if as_json:
        print_json(result)
        return
    console = Console(highlight=False)
    console.print(f"[bold]{result['url']}[/bold]", markup=True, soft_wrap=True)
    versions = Table(title="Versions", title_justify="left")
    for column in ("#", "first seen", "last seen", "title", "text hash"):
        versions.add_column(column)
    for version in result["versions"]:
        versions.add_row(str(version["version"]), version["first_seen"], version["last_seen"],
                         version["title"] or "", version["text_hash"][:19])
    console.print(versions)
    captures = Table(title="Captures", title_justify="left")
    for column in ("#", "fetched at", "status", "kind", "version"):
        captures.add_column(column)
    for number, capture in enumerate(result["captures"], start=1):
        captures.add_row(str(number), capture["fetched_at"], str(capture["status"] or ""),
                         capture["kind"], str(capture["version"] or capture["extraction"] or ""))
    console.print(captures)
    # Whole lines, never folded inside a table, so each link can be copied or clicked.
    console.print(Text("Replay (palimpsest replay):", style="bold"))
    for number, capture in enumerate(result["captures"], start=1):
        console.print(Text(f"{number:>3} {capture['replay_url']}"), soft_wrap=True)


@click.command("show")
@click.argument("url")
@data_option
@index_option
@click.option("--at", "when", metavar="WHEN", help="ISO 8601 time, or a duration ago (2h).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@replay_base_option
@domain_errors
def show(url: str, data_dir: Path | None, when: str | None, as_json: bool,
         replay_base: str | None) -> None:
    """The text of the version of URL current at WHEN (default: the latest)."""
    try:
        moment = parse_when(when) if when else None
    except ValueError as exc:
        raise Failure(f"--at: {exc}", EXIT_USAGE) from None
    layout, index = open_for_reading(data_dir)
    try:
        snapshot = version_at(index, layout, url, moment)
    finally:
        index.close()
    shown = snapshot.to_json(replay_base)
    if as_json:
        print_json(shown)
        return
    click.echo(snapshot.version.title or "(no headline)")
    click.echo(f"{snapshot.url}\nversion {snapshot.version.text_hash}, "
               f"seen {snapshot.version.first_seen} .. {snapshot.version.last_seen}\n"
               f"replay {shown['replay_url']}\n")
    click.echo(snapshot.text)
