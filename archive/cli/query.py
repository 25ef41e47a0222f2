"""`palimpsest history URL` and `palimpsest show URL [--at WHEN]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
from archive.versions.headlines import FIELD_NAMES
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
    imported = any(capture["origin"] == "import" for capture in result["captures"])
    versions = Table(title="Versions", title_justify="left")
    for column in ("#", "first seen", "last seen", "title", "text hash") + \
            (("from",) if imported else ()):
        versions.add_column(column)
    for version in result["versions"]:
        versions.add_row(str(version["version"]), version["first_seen"], version["last_seen"],
                         version["title"] or "", version["text_hash"][:19],
                         *((version["origin"],) if imported else ()))
    console.print(versions)
    if result["headline_changes"]:
        console.print(headline_changes_table(result["headline_changes"]))
    captures = Table(title="Captures", title_justify="left")
    for column in ("#", "fetched at", "status", "kind", "version") + \
            (("from",) if imported else ()):
        captures.add_column(column)
    for number, capture in enumerate(result["captures"], start=1):
        captures.add_row(str(number), capture["fetched_at"], str(capture["status"] or ""),
                         capture["kind"], str(capture["version"] or capture["extraction"] or ""),
                         *((capture["origin"],) if imported else ()))
    console.print(captures)
    if imported:
        # Imported evidence is dated by another archive's clock: say where it came from.
        files = sorted({(c["collection"], c["warc_file"]) for c in result["captures"]
                        if c["origin"] == "import"})
        console.print(Text("Imported, not crawled here, from:", style="bold"))
        for collection, name in files:
            console.print(Text(f"  {collection}/{name}"), soft_wrap=True)
    # Whole lines, never folded inside a table, so each link can be copied or clicked.
    console.print(Text("Replay (palimpsest replay):", style="bold"))
    for number, capture in enumerate(result["captures"], start=1):
        console.print(Text(f"{number:>3} {capture['replay_url']}"), soft_wrap=True)


def headline_changes_table(changes: list[dict[str, Any]]) -> Table:
    """`history`: the metadata headline edits and headline A/B tests, oldest first."""
    table = Table(title="Headline changes (the text unchanged unless a version says so)",
                  title_justify="left")
    for column in ("when", "what", "headlines"):
        table.add_column(column, overflow="fold")
    for change in changes:
        if "headlines" in change:
            detail = "\n".join(f'"{title}"' for title in change["headlines"])
        else:
            detail = f'"{change["headline"]["from"]}"\n-> "{change["headline"]["to"]}"'
        field = FIELD_NAMES.get(change["field"], change["field"])
        table.add_row(change["at"], f"{change['label']}\n{field}", detail)
    return table


def metadata_headline_lines(headlines: dict[str, str | None]) -> list[str]:
    """`show`: the metadata headlines that differ from the visible one, one line each."""
    return [f"{FIELD_NAMES[name]}: {value}" for name, value in headlines.items()
            if name != "visible" and value and value != headlines.get("visible")]


@click.command("show")
@click.argument("url")
@data_option
@index_option
@click.option("--at", "when", metavar="WHEN", help="ISO 8601 time, or a duration ago (2h).")
@click.option("--imported", is_flag=True,
              help="Read the imported history of URL, even when it was crawled here too.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@replay_base_option
@domain_errors
def show(url: str, data_dir: Path | None, when: str | None, imported: bool, as_json: bool,
         replay_base: str | None) -> None:
    """The text of the version of URL current at WHEN (default: the latest)."""
    try:
        moment = parse_when(when) if when else None
    except ValueError as exc:
        raise Failure(f"--at: {exc}", EXIT_USAGE) from None
    layout, index = open_for_reading(data_dir)
    try:
        snapshot = version_at(index, layout, url, moment, "import" if imported else None)
    finally:
        index.close()
    shown = snapshot.to_json(replay_base)
    if as_json:
        print_json(shown)
        return
    click.echo(snapshot.version.title or "(no headline)")
    click.echo(f"{snapshot.url}\nversion {snapshot.version.text_hash}, "
               f"seen {snapshot.version.first_seen} .. {snapshot.version.last_seen}")
    for line in metadata_headline_lines(shown["headlines"]):
        click.echo(line)
    if snapshot.imported_from:
        click.echo(f"imported, not crawled here: {shown['collection']}/{snapshot.imported_from}")
    elif snapshot.other_versions:
        count = snapshot.other_versions
        click.echo(f"crawled here ({count} imported version{'s' if count != 1 else ''} too: "
                   "--imported, or `palimpsest history`)")
    click.echo(f"replay {shown['replay_url']}\n")
    click.echo(snapshot.text)
