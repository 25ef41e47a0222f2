"""The index: pages, captures, versions and citations, behind one small interface (`Index`),
the one path from WARC records to its rows (`ingest`) and the one rule that says whether a
text is a new version (`versioning`). Imports `warc` (record names and header values),
`store.provenance` (who wrote a file), `timeutil` and `exceptions` only: it is derived data,
rebuilt by `verify.reindex`.

SQLite is the default (`DATA/index.sqlite`); PostgreSQL is chosen by a URL: the `--index`
option, else the PALIMPSEST_INDEX setting, else `$PALIMPSEST_INDEX`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeGuard

from archive.exceptions import ConfigError
from archive.index.base import Capture, Citation, Index, Page, Version
from archive.index.sqlite import SqliteIndex

INDEX_FILENAME = "index.sqlite"
INDEX_ENV = "PALIMPSEST_INDEX"

__all__ = ["Capture", "Citation", "Index", "Page", "Version", "SqliteIndex", "open_index",
           "INDEX_FILENAME", "index_url", "is_postgres"]


def index_url(url: str | None = None) -> str | None:
    """The index URL in force: `url` if given, else `$PALIMPSEST_INDEX`; None means SQLite
    in the data folder."""
    chosen = url or os.environ.get(INDEX_ENV) or None
    if chosen and not is_postgres(chosen):
        raise ConfigError(f"index {chosen!r}: expected a postgresql:// URL (SQLite needs "
                          "none: it lives in the data folder)")
    return chosen


def is_postgres(url: str | None) -> TypeGuard[str]:
    return url is not None and url.startswith(("postgresql://", "postgres://"))


def open_index(data_dir: str | Path, *, readonly: bool = False, url: str | None = None) -> Index:
    """Open the index of a data folder: SQLite in it, or the one `url` (or the environment)
    names. PostgreSQL must have been created with `palimpsest index upgrade`."""
    chosen = index_url(url)
    if is_postgres(chosen):
        from archive.index.postgres import PostgresIndex  # psycopg only when asked for

        return PostgresIndex(chosen, readonly=readonly)
    return SqliteIndex(Path(data_dir) / INDEX_FILENAME, readonly=readonly)
