"""`palimpsest index upgrade` and `palimpsest index status`: the index's schema, explicitly."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.common import (
    chosen_index,
    data_option,
    domain_errors,
    index_option,
    print_json,
    resolve_data,
)
from archive.index import INDEX_FILENAME, is_postgres
from archive.index.versions import SCHEMA_VERSION


@click.group("index")
def index_group() -> None:
    """Create, upgrade and inspect the index (SQLite or PostgreSQL)."""


@index_group.command("upgrade")
@data_option
@index_option
@domain_errors
def upgrade(data_dir: Path | None) -> None:
    """Create the index's schema, or bring it to this version. Stop crawls first."""
    url = chosen_index()
    if is_postgres(url):
        from archive.index.postgres import PostgresIndex

        index = PostgresIndex(url, check=False)
        try:
            before, after = index.upgrade()
            where = index.describe()
        finally:
            index.close()
    else:
        from archive.index.sqlite import SqliteIndex

        path = resolve_data(data_dir) / INDEX_FILENAME
        existed = path.exists()
        index = SqliteIndex(path, check=False)  # creates a missing file at this version
        try:
            before = index.schema_version() if existed else None
            after = upgrade_sqlite(index, before)
            where = index.describe()
        finally:
            index.close()
    if before == after:
        click.echo(f"{where}: schema version {after}, up to date")
    elif before is None:
        click.echo(f"{where}: created schema version {after}")
    else:
        click.echo(f"{where}: upgraded schema version {before} -> {after}")


@index_group.command("status")
@data_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@domain_errors
def status(data_dir: Path | None, as_json: bool) -> None:
    """Which index is in use, its schema version and row counts."""
    result = index_status(resolve_data(data_dir), chosen_index())
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


def upgrade_sqlite(index, before: int | None) -> int:
    """Apply the migrations a SQLite index lacks (as PostgresIndex.upgrade does); its version
    after. A newer index is refused."""
    from importlib import resources

    from archive.index.versions import check_version, pending_migrations

    if before is not None and before > SCHEMA_VERSION:
        check_version(before, index.describe())
    for version, script in pending_migrations(before or SCHEMA_VERSION):
        sql = resources.files("archive.index").joinpath(script).read_text("utf-8")
        index.db.executescript(sql)
        index.db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                         (str(version),))
    return SCHEMA_VERSION


def index_status(data_dir: Path, url: str | None) -> dict:
    """Backend, location, schema version and row counts; never creates or changes anything."""
    from archive.index.versions import SchemaVersionError, check_version

    if is_postgres(url):
        from archive.index.postgres import PostgresIndex

        index = PostgresIndex(url, readonly=True, check=False)
        backend = "postgresql"
    else:
        from archive.index.sqlite import SqliteIndex

        path = data_dir / INDEX_FILENAME
        if not path.exists():
            return {"backend": "sqlite", "index": f"sqlite:{path}", "schema_version": None,
                    "expected_version": SCHEMA_VERSION,
                    "problem": "no index yet (a crawl or `palimpsest index upgrade` makes it)"}
        index = SqliteIndex(path, readonly=True, check=False)
        backend = "sqlite"
    try:
        result = {"backend": backend, "index": index.describe(),
                  "schema_version": index.schema_version(), "expected_version": SCHEMA_VERSION}
        try:
            check_version(result["schema_version"], result["index"])
            result["counts"] = index.counts()
        except SchemaVersionError as exc:
            result["problem"] = str(exc)
    finally:
        index.close()
    return result
