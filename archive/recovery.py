"""Repair WARC files a crash left `.open`: keep every complete record, drop the torn tail.

Records are whole gzip members, so the last complete member marks the last complete record.
A file with no complete record at all is quarantined as `.invalid` rather than deleted.
"""

from __future__ import annotations

import logging
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from archive.warc import OPEN_SUFFIX

logger = logging.getLogger(__name__)

_READ_CHUNK = 1 << 20
_OUTPUT_LIMIT = 1 << 20  # bound memory while inflating, whatever the compression ratio
INVALID_SUFFIX = ".invalid"


@dataclass(frozen=True)
class Recovered:
    """What recovery did to one `.open` file."""

    path: Path  # the file's new path
    kept_bytes: int
    dropped_bytes: int
    quarantined: bool


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
    """Truncate an `.open` file to its last complete record and give it its final name."""
    size = path.stat().st_size
    with path.open("rb") as stream:
        kept = 0
        for end in member_ends(stream):
            kept = end
    final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
    if kept == 0:
        target = final.with_name(final.name + INVALID_SUFFIX)
        os.replace(path, target)
        logger.warning("%s held no complete record; quarantined as %s", path, target.name)
        return Recovered(target, 0, size, True)
    if kept < size:
        with path.open("r+b") as stream:
            stream.truncate(kept)
            stream.flush()
            os.fsync(stream.fileno())
    os.replace(path, final)
    if kept < size:
        logger.warning("%s: dropped a torn final record (%d bytes) left by a crash",
                       final.name, size - kept)
    return Recovered(final, kept, size - kept, False)


def recover_directory(directory: Path, name_suffix: str = "") -> list[Recovered]:
    """Recover every `.open` WARC file in a directory (only those whose name ends in
    `name_suffix` before `.warc.gz.open`: one worker's files, when other workers share it)."""
    if not directory.is_dir():
        return []
    return [recover_open_file(path)
            for path in sorted(directory.glob(f"*{name_suffix}.warc.gz{OPEN_SUFFIX}"))]
