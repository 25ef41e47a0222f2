"""Where things live in a data folder. The layout is a pywb collection root as it stands:

    DATA/collections/<collection>/archive/*.warc.gz
    DATA/collections/<collection>/indexes/index.cdxj
    DATA/index.sqlite
    DATA/crawl.lock
    DATA/logs/
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from archive.exceptions import ConfigError, NothingArchivedError

DEFAULT_DATA = "data"
_COLLECTION_RX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# WARC file names Palimpsest writes or accepts from an index row: one plain name, no path.
_WARC_NAME_RX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$")


def default_data_dir() -> Path:
    """`$PALIMPSEST_DATA`, else `./data`."""
    return Path(os.environ.get("PALIMPSEST_DATA") or DEFAULT_DATA)


def check_collection(name: str) -> str:
    """Refuse collection names that could escape the data folder (`..`, `/`, …)."""
    if not _COLLECTION_RX.match(name) or ".." in name:
        raise ConfigError(
            f"collection {name!r}: use 1-64 letters, digits, '.', '_' or '-' "
            "(starting with a letter or digit)"
        )
    return name


def check_warc_name(name: str) -> str:
    """Refuse WARC file names that are paths or could climb out of the archive folder."""
    if not _WARC_NAME_RX.match(name) or ".." in name:
        raise ConfigError(f"WARC file name {name[:100]!r} is not a plain file name")
    return name


class DataLayout:
    """Paths inside one data folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @property
    def collections_dir(self) -> Path:
        return self.root / "collections"

    @property
    def index_path(self) -> Path:
        return self.root / "index.sqlite"

    @property
    def lock_path(self) -> Path:
        return self.root / "crawl.lock"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def queue_dir(self) -> Path:
        """Where a running crawl keeps the requests it has yet to send (removed when it ends)."""
        return self.root / "queue"

    def archive_dir(self, collection: str) -> Path:
        return self.collections_dir / check_collection(collection) / "archive"

    def warc_path(self, collection: str, filename: str) -> Path:
        """The path of a WARC file named in the index; a name that is not one plain file name
        (`../x`, `/etc/passwd`, `a/b`) raises ConfigError instead of reaching outside."""
        return self.archive_dir(collection) / check_warc_name(filename)

    def indexes_dir(self, collection: str) -> Path:
        return self.collections_dir / check_collection(collection) / "indexes"

    def cdxj_path(self, collection: str) -> Path:
        return self.indexes_dir(collection) / "index.cdxj"

    def collections(self) -> list[str]:
        """Collections that have an archive folder, sorted."""
        if not self.collections_dir.is_dir():
            return []
        return sorted(p.name for p in self.collections_dir.iterdir()
                      if (p / "archive").is_dir() and _COLLECTION_RX.match(p.name))

    def require_collection(self, name: str) -> str:
        """`name`, if it is a collection of this folder; else NothingArchivedError listing
        the collections there are (the CLI exits 2)."""
        check_collection(name)
        available = self.collections()
        if name not in available:
            there = ", ".join(available) if available else "none yet"
            raise NothingArchivedError(f"no collection {name!r} in {self.root} "
                                       f"(collections: {there})")
        return name

    def warc_files(self, collection: str) -> list[Path]:
        """Finished WARC files of a collection in name order (which is time order).

        Palimpsest writes `.warc.gz`; an imported uncompressed `.warc` is kept as it came.
        """
        directory = self.archive_dir(collection)
        if not directory.is_dir():
            return []
        return sorted(path for path in directory.iterdir()
                      if path.name.endswith((".warc.gz", ".warc")) and path.is_file())
