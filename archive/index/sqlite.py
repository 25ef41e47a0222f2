"""The index on SQLite: WAL mode, a busy timeout, and one writer transaction at a time.

Readers (history, report, replay) never block the crawl and the crawl never blocks them: WAL
lets both run at once. Writers take `BEGIN IMMEDIATE`, because a read transaction that later
upgrades to a write fails at once with "database is locked", ignoring the busy timeout.

The queries are SqlIndex's (archive/index/sql.py), shared with PostgresIndex; this module
holds what is SQLite's own: the file, WAL, the busy retries and the schema's creation.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from archive.index.search_rows import SEARCH_DDL_SQLITE
from archive.index.sql import Params, SqlIndex
from archive.index.versions import SCHEMA_VERSION, check_version, pending_migrations

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 30.0
_BUSY_RETRIES = 5


class SqliteIndex(SqlIndex):
    """The default index backend: one file, `DATA/index.sqlite`."""

    BEGIN = "BEGIN IMMEDIATE"  # the write lock up front (the module docstring says why)
    batch_records = 200  # records per writer transaction (archive/archiver.py)

    def __init__(self, path: str | Path, *, readonly: bool = False, check: bool = True) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.created = not readonly and not self.path.exists()  # made now, at SCHEMA_VERSION
        if readonly:
            uri = f"file:{self.path}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S,
                                      isolation_level=None, check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                      check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self._in_tx = False
        if not readonly:
            self._setup()
        if check:  # `palimpsest index status` opens unchecked, to report a mismatch
            check_version(self.schema_version(), str(self.path))

    def describe(self) -> str:
        """Where this index lives, for messages and `palimpsest index status`."""
        return f"sqlite:{self.path}"

    def schema_version(self) -> int | None:
        """The schema version recorded in the index, or None if it has none."""
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'")\
                .fetchone()
        except sqlite3.OperationalError:  # no meta table: not a Palimpsest index (yet)
            return None
        return int(row[0]) if row else None

    def _setup(self) -> None:
        # journal_mode=WAL persists in the file; asking again is cheap and harmless, but it can
        # itself meet a lock when many processes start at once, hence the retry.
        self._retry(lambda: self.db.execute("PRAGMA journal_mode=WAL"))
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL commits stay crash-safe at NORMAL
        self.db.execute("PRAGMA foreign_keys=ON")
        schema = resources.files("archive.index").joinpath("schema.sql").read_text("utf-8")
        self._retry(lambda: self.db.executescript(schema))
        words = resources.files("archive.index").joinpath(SEARCH_DDL_SQLITE).read_text("utf-8")
        self._retry(lambda: self.db.executescript(words))
        self._retry(lambda: self.db.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        ))

    def upgrade(self) -> tuple[int | None, int]:
        """Apply the migrations this file lacks, as PostgresIndex.upgrade does; (version
        before, after), before being None when this index created the file. A newer file is
        refused."""
        before = None if self.created else self.schema_version()
        if before is not None and before > SCHEMA_VERSION:
            check_version(before, self.describe())  # refuses: newer than this code
        for version, script in pending_migrations(SCHEMA_VERSION if before is None else before):
            sql = resources.files("archive.index").joinpath(script).read_text("utf-8")
            self.db.executescript(sql)
            self.db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                            (str(version),))
        return before, SCHEMA_VERSION

    def _retry(self, action: Callable[[], Any]) -> Any:
        """Run `action`, retrying a bounded number of times while the database is busy."""
        for attempt in range(_BUSY_RETRIES):
            try:
                return action()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if attempt == _BUSY_RETRIES - 1:
                    raise
                logger.warning("index busy (%s); retrying", exc)
                time.sleep(0.2 * (attempt + 1))
        return None

    def _x(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        cursor: sqlite3.Cursor = self.db.execute(sql, params)
        return cursor

