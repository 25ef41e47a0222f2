"""`palimpsest diff URL` and `palimpsest changes`: what changed, for people and for programs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from rich.console import Console

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
from archive.cli.help import Documented
from archive.report.termdiff import print_changes, render_diff
from archive.report.terminal import print_trimmed
from archive.timeutil import parse_when, to_iso, utcnow
from archive.versions.changes import list_changes
from archive.versions.edits import EditReader


def when_option(value: str | None, option: str) -> datetime | None:
    """Parse a --from/--to/--since value, or fail with exit code 2 naming the option."""
    if value is None:
        return None
    try:
        return parse_when(value)
    except ValueError as exc:
        raise Failure(f"{option}: {exc}", EXIT_USAGE) from None


@click.command(
    "diff", cls=Documented,
    arguments={"URL": "The page, as archived (the scheme may be left out)."},
    example="palimpsest diff https://news.example/flood-count --from 2d --data data")
@click.argument("url")
@data_option
@index_option
@click.option("--from", "old_at", metavar="WHEN",
              help="Compare the version current at WHEN (ISO 8601, or a duration ago: 2h).")
@click.option("--to", "new_at", metavar="WHEN",
              show_default="the latest", help="...with the version current at WHEN.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True, help="Coloured text for people, JSON for programs, or HTML.")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON (--format json), as every other command's --json does.")
@replay_base_option
@domain_errors
def diff(url: str, data_dir: Path | None, old_at: str | None, new_at: str | None, fmt: str,
         as_json: bool, replay_base: str | None) -> None:
    """The edits of URL between two versions (default: its last two texts)."""
    if as_json and fmt != "text":
        raise Failure(f"--json and --format {fmt} ask for two formats; give one", EXIT_USAGE)
    fmt = "json" if as_json else fmt
    moment_from, moment_to = when_option(old_at, "--from"), when_option(new_at, "--to")
    if moment_from is not None and moment_from > utcnow():
        raise Failure(f"--from {old_at}: {to_iso(moment_from)} is in the future; nothing was "
                      "archived then", EXIT_USAGE)
    layout, index = open_for_reading(data_dir)
    try:
        result = EditReader(index, layout).diff(url, moment_from, moment_to)
    finally:
        index.close()
    if fmt == "json":
        print_json(result.to_json())
    elif fmt == "html":
        from archive.report import diff_page

        click.echo(diff_page(result, replay_base), nl=False)
    else:
        print_trimmed(Console(highlight=False), render_diff(result))


@click.command(
    "changes", cls=Documented,
    example="palimpsest changes --since 1d --data data")
@data_option
@index_option
@click.option("--since", metavar="WHEN",
              show_default="all",
              help="Only changes in this last period (1h, 2d, 1w) or since this time "
                   "(ISO 8601).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@domain_errors
def changes(data_dir: Path | None, since: str | None, as_json: bool) -> None:
    """Pages edited, taken down (404/410) or restored, newest first.

    The changes of a page's metadata headlines, and its headline A/B tests, are listed too.
    """
    moment = when_option(since, "--since")
    layout, index = open_for_reading(data_dir)
    try:
        found = list_changes(EditReader(index, layout), moment)
    finally:
        index.close()
    if as_json:
        print_json({"since": to_iso(moment) if moment else None,
                    "changes": [change.to_json() for change in found]})
        return
    console = Console(highlight=False)
    if not found:
        console.print("No page was edited, taken down or restored"
                      + (f" since {moment:%Y-%m-%d %H:%M} UTC." if moment else "."))
        return
    print_changes(console, found)
