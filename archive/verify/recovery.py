"""Repair WARC files a crash left `.open`: keep every whole record, drop the torn tail.

Records are whole gzip members, checked strictly (archive.verify: gzip trailer, WARC framing,
digests), so the end of the last good record is where a crash's damage begins. A torn final
record is dropped: its index rows were never committed (rows follow an fsync). Anything else
(a file with no good record, or good records after a damaged one) is kept aside as `.invalid`
rather than deleted: nothing that might be archived data is thrown away. Only regular files
are touched: an `.open` name that is a symbolic link is left alone (cutting it would cut
whatever it points at, outside the archive), and bytes set aside go to a new file, never
through a link.
"""

from __future__ import annotations

import logging
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from archive.store.confined import create_new
from archive.store.durable import fsync_directory
from archive.verify.files import check_file
from archive.warc.writer import OPEN_SUFFIX

logger = logging.getLogger(__name__)

_READ_CHUNK = 1 << 20
_OUTPUT_LIMIT = 1 << 20  # bound memory while inflating, whatever the compression ratio
INVALID_SUFFIX = ".invalid"


@dataclass(frozen=True)
class Recovered:
    """What recovery did to one `.open` file."""

    path: Path  # the file's new path (None-like when an empty file was removed)
    kept_bytes: int
    dropped_bytes: int
    quarantined: bool
    set_aside: Path | None = None  # bytes after the damage, kept as `.invalid`


def member_ends(stream: BinaryIO) -> Iterator[int]:
    """Yield the end offset of each complete gzip member, stopping at the first broken one."""
    offset = 0
    pending = b""
    inflater = zlib.decompressobj(31)
    while True:
        if not pending:
            pending = stream.read(_READ_CHUNK)
            if not pending:
                return
        try:
            inflater.decompress(pending, _OUTPUT_LIMIT)
        except zlib.error:
            return
        if inflater.eof:
            offset += len(pending) - len(inflater.unused_data)
            yield offset
            pending = inflater.unused_data
            inflater = zlib.decompressobj(31)
        else:
            offset += len(pending) - len(inflater.unconsumed_tail)
            pending = inflater.unconsumed_tail


def recover_open_file(path: Path) -> Recovered:
    """Cut an `.open` file to its last whole record and give it its final name."""
    size = path.stat().st_size
    final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
    if size == 0:
        path.unlink()  # created, then killed before its first record: it holds nothing
        logger.warning("%s was empty; removed", path.name)
        return Recovered(final, 0, 0, False)
    report = check_file(path)
    kept = report.good_prefix
    if kept == 0:
        target = final.with_name(final.name + INVALID_SUFFIX)
        os.replace(path, target)
        fsync_directory(path.parent)
        logger.warning("%s held no whole record; quarantined as %s", path.name, target.name)
        return Recovered(target, 0, size, True)
    set_aside = None
    if kept < size and any(r.ok and r.offset > kept for r in report.records):
        # Whole records after the damage: not a torn tail. Keep the bytes for inspection.
        set_aside = final.with_name(f"{final.name}.{kept}{INVALID_SUFFIX}")
        _copy_tail(path, kept, set_aside)
        logger.error("%s: damaged at byte %d with whole records after it; the bytes from "
                     "there on are kept in %s", path.name, kept, set_aside.name)
    if kept < size:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            os.ftruncate(fd, kept)
            os.fsync(fd)
        finally:
            os.close(fd)
    os.replace(path, final)
    fsync_directory(path.parent)
    if kept < size and set_aside is None:
        logger.warning("%s: dropped a torn final record (%d bytes) left by a crash",
                       final.name, size - kept)
    return Recovered(final, kept, size - kept, False, set_aside)


def recover_directory(directory: Path, name_suffix: str = "") -> list[Recovered]:
    """Recover every `.open` WARC file in a directory (only those whose names end with
    `name_suffix` before `.warc.gz.open`: one worker's files, when other workers share it)."""
    if not directory.is_dir():
        return []
    recovered = []
    for path in sorted(directory.glob(f"*{name_suffix}.warc.gz{OPEN_SUFFIX}")):
        if path.is_symlink() or not path.is_file():
            logger.error("%s is not a regular file (a symbolic link?): not repaired; nothing "
                         "Palimpsest writes is one", path)
            continue
        recovered.append(recover_open_file(path))
    return recovered


def _copy_tail(path: Path, start: int, target: Path) -> None:
    with path.open("rb") as source, os.fdopen(create_new(target), "wb") as out:
        source.seek(start)
        while chunk := source.read(_READ_CHUNK):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())

