"""The index: pages, captures, versions and citations, behind one small interface.

SQLite is the default (`DATA/index.sqlite`). Other backends plug in by URL scheme.
"""

from __future__ import annotations

from pathlib import Path

from archive.index.base import Capture, Citation, Page, Version
from archive.index.sqlite import SqliteIndex

INDEX_FILENAME = "index.sqlite"

__all__ = ["Capture", "Citation", "Page", "Version", "SqliteIndex", "open_index", "INDEX_FILENAME"]


def open_index(data_dir: str | Path, *, readonly: bool = False) -> SqliteIndex:
    """Open the index of a data folder."""
    return SqliteIndex(Path(data_dir) / INDEX_FILENAME, readonly=readonly)
