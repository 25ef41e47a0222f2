"""The index's schema, handled explicitly: what `palimpsest index upgrade` and `status` do.

Opening an index checks its schema version and refuses a mismatch (archive/index/versions.py);
these functions open it unchecked, to create or upgrade the schema, or to say what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.index import INDEX_FILENAME, is_postgres
from archive.index.sqlite import SqliteIndex
from archive.index.versions import SCHEMA_VERSION, SchemaVersionError, check_version


@dataclass(frozen=True)
class SchemaUpgrade:
    """What an upgrade did: `before` is None when it created the schema."""

    where: str
    before: int | None
    after: int


def upgrade_index(data_dir: Path, url: str | None) -> SchemaUpgrade:
    """Create the index's schema, or apply the migrations it lacks (SQLite in `data_dir`, or
    the PostgreSQL `url`). A schema newer than this code is refused (SchemaVersionError)."""
    if url is not None and is_postgres(url):
        from archive.index.postgres import PostgresIndex  # psycopg only when asked for

        index: SqliteIndex | PostgresIndex = PostgresIndex(url, check=False)
    else:
        index = SqliteIndex(data_dir / INDEX_FILENAME, check=False)  # creates a missing file
    try:
        before, after = index.upgrade()
        return SchemaUpgrade(index.describe(), before, after)
    finally:
        index.close()


def index_status(data_dir: Path, url: str | None) -> dict[str, Any]:
    """Backend, location, schema version and row counts; never creates or changes anything.

    A schema this code cannot use is reported as `problem`, not raised."""
    if url is not None and is_postgres(url):
        from archive.index.postgres import PostgresIndex

        index: SqliteIndex | PostgresIndex = PostgresIndex(url, readonly=True, check=False)
        backend = "postgresql"
    else:
        path = data_dir / INDEX_FILENAME
        if not path.exists():
            return {"backend": "sqlite", "index": f"sqlite:{path}", "schema_version": None,
                    "expected_version": SCHEMA_VERSION,
                    "problem": "no index yet (a crawl or `palimpsest index upgrade` makes it)"}
        index = SqliteIndex(path, readonly=True, check=False)
        backend = "sqlite"
    try:
        where, found = index.describe(), index.schema_version()
        result: dict[str, Any] = {"backend": backend, "index": where, "schema_version": found,
                                  "expected_version": SCHEMA_VERSION}
        try:
            check_version(found, where)
            result["counts"] = index.counts()
        except SchemaVersionError as exc:
            result["problem"] = str(exc)
    finally:
        index.close()
    return result
