"""`palimpsest index upgrade` and `palimpsest index status`: the index's schema, explicitly."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.common import (
    chosen_index,
    data_option,
    domain_errors,
    index_data,
    index_option,
    print_json,
    resolve_data,
)
from archive.cli.help import Documented
from archive.index.admin import index_status, upgrade_index
from archive.index.versions import SCHEMA_VERSION


@click.group("index")
def index_group() -> None:
    """Create, upgrade and inspect the index (SQLite or PostgreSQL)."""


@index_group.command(
    "upgrade", cls=Documented,
    example="palimpsest index upgrade --index 'postgresql://archive@db/news?schema=main'")
@data_option
@index_option
@domain_errors
def upgrade(data_dir: Path | None) -> None:
    """Create the index's schema, or bring it to this version. Stop crawls first."""
    done = upgrade_index(resolve_data(data_dir), chosen_index())
    if done.before == done.after:
        click.echo(f"{done.where}: schema version {done.after}, up to date")
    elif done.before is None:
        click.echo(f"{done.where}: created schema version {done.after}")
    else:
        click.echo(f"{done.where}: upgraded schema version {done.before} -> {done.after}")


@index_group.command(
    "status", cls=Documented,
    example="palimpsest index status --data data")
@data_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@domain_errors
def status(data_dir: Path | None, as_json: bool) -> None:
    """Which index is in use, its schema version and row counts."""
    result = index_status(index_data(data_dir), chosen_index())
    if as_json:
        print_json(result)
        return
    click.echo(f"index: {result['index']} ({result['backend']})")
    found = result["schema_version"]
    click.echo(f"schema version: {found if found is not None else 'none'} "
               f"(this Palimpsest: {SCHEMA_VERSION})")
    if result.get("counts"):
        click.echo("rows: " + ", ".join(f"{n} {t}" for t, n in result["counts"].items()))
    if result.get("problem"):
        click.echo(f"problem: {result['problem']}")
