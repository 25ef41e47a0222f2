"""WARC file lifecycle: naming, `.open` files, size rollover, warcinfo heads, record offsets.

One gzip member per record (WARC 1.1 Annex D), so any record can be read with one seek. Files
are written as `NAME.warc.gz.open` and renamed when closed; a file left `.open` by a crash is
repaired by `archive.verify.recovery`. Every write returns where the record landed, so the index
never rescans a file.
"""

from __future__ import annotations

import logging
import os
import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Callable, Iterable

from warcio.recordloader import ArcWarcRecord
from warcio.warcwriter import WARCWriter

from archive.exceptions import ArchiveWriteError, ConfigError
from archive.store.durable import fsync_directory
from archive.store.faults import failing_write, fault
from archive.timeutil import timestamp17, utcnow
from archive.warc.records import RecordFactory

logger = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
WARC_SUFFIX = ".warc.gz"
DEFAULT_MAX_BYTES = 1024**3  # 1 GiB, the size most archives roll over at
# warcio always compresses at level 9. On 300 real news and blog pages, level 5 made records 2%
# bigger than level 9 in under half its CPU time (1.4 against 3.0 ms per 100 KB page); level 3
# was faster still (0.9 ms) but 12% bigger, and an archive keeps its bytes for good. Measured
# by bench/throughput.py --calibrate (tables in bench/RESULTS.md, "Crawl throughput").
DEFAULT_GZIP_LEVEL = 5
_NAME_PART = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def check_name_part(value: str) -> str:
    """Refuse a file-name part (the WARC suffix) that could make a path: `/`, `..`, NUL."""
    if not _NAME_PART.fullmatch(value) or ".." in value:
        raise ConfigError(f"{value[:80]!r} cannot be part of a WARC file name: use up to 64 "
                          "letters, digits, '.', '_' or '-'")
    return value


@dataclass(frozen=True)
class RecordLocation:
    """Where a record landed: file name (no directory), byte offset and compressed length."""

    filename: str
    offset: int
    length: int


def serialize_record(record: ArcWarcRecord, gzip_level: int | None = DEFAULT_GZIP_LEVEL) -> bytes:
    """One record as one complete gzip member (or plain bytes when gzip_level is None)."""
    buffer = BytesIO()
    WARCWriter(buffer, gzip=False, warc_version="1.1").write_record(record)
    raw = buffer.getvalue()
    if gzip_level is None:
        return raw
    # wbits=31: a gzip header and trailer, so each record is a standalone member.
    compressor = zlib.compressobj(gzip_level, zlib.DEFLATED, 31)
    return compressor.compress(raw) + compressor.flush()


class WarcFileWriter:
    """Appends records to rolling WARC files in one directory. Not thread-safe: one writer."""

    def __init__(
        self,
        directory: str | Path,
        prefix: str,
        factory: RecordFactory,
        *,
        warcinfo: dict[str, str] | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        gzip_level: int = DEFAULT_GZIP_LEVEL,
        suffix: str = "",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.factory = factory
        self.warcinfo = dict(warcinfo or {})
        self.max_bytes = max_bytes
        self.gzip_level = gzip_level
        self.suffix = check_name_part(suffix) if suffix else ""  # e.g. a worker's name
        self.clock = clock
        self._serial = 0
        self._fd: int | None = None
        self._name: str | None = None
        self._size = 0
        self._unsynced = False
        self.closed_files: list[str] = []

    @property
    def current_name(self) -> str | None:
        """The final name (without `.open`) of the file being written, if any."""
        return self._name

    def write(self, record: ArcWarcRecord) -> RecordLocation:
        """Write one record and return where it is."""
        return self.write_group([record])[0]

    def write_group(self, records: Iterable[ArcWarcRecord]) -> list[RecordLocation]:
        """Write records that belong together (e.g. request and response) to the same file."""
        members = [serialize_record(record, self.gzip_level) for record in records]
        if self._fd is None or self._size >= self.max_bytes:
            self._rotate()
        return self._append_all(members)

    def sync(self) -> None:
        """Make everything written so far durable (fsync) before index rows refer to it."""
        if self._fd is not None and self._unsynced:
            try:
                os.fsync(self._fd)
            except OSError as exc:
                raise ArchiveWriteError(f"cannot sync {self._open_path()}: {exc}") from exc
            self._unsynced = False

    def close(self) -> None:
        """Sync and close the current file and give it its final name."""
        if self._fd is None or self._name is None:
            return
        self.sync()
        os.close(self._fd)
        self._fd = None
        final = self.directory / self._name
        os.replace(self._open_path(), final)
        fsync_directory(self.directory)  # the rename is durable once the entry is
        self.closed_files.append(self._name)
        logger.info("closed %s (%d bytes)", final, self._size)
        self._name = None
        self._size = 0

    def _rotate(self) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._serial += 1
        stamp = timestamp17(self.clock())
        suffix = f"-{self.suffix}" if self.suffix else ""
        self._name = f"{self.prefix}-{stamp}-{self._serial:05d}{suffix}{WARC_SUFFIX}"
        path = self._open_path()
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        try:
            self._fd = os.open(path, flags, 0o644)
        except OSError as exc:
            raise ArchiveWriteError(f"cannot create {path}: {exc}") from exc
        self._size = 0
        info = self.factory.warcinfo(self._name, self.warcinfo)
        try:
            self._append_all([serialize_record(info, self.gzip_level)])
        except ArchiveWriteError:
            # A file without its warcinfo head is not started at all: the next write begins a
            # new one.
            os.close(self._fd)
            path.unlink(missing_ok=True)
            self._fd, self._name = None, None
            raise

    def _append_all(self, members: list[bytes]) -> list[RecordLocation]:
        """Append whole members, or none of them: on any write error (a full disk) the file is
        cut back to where the group started, so it stays a run of whole records, and a request
        never stays behind without its response (wpull#52)."""
        start = self._size
        try:
            return [self._append(member) for member in members]
        except OSError as exc:
            self._truncate_to(start)
            self._size = start
            raise ArchiveWriteError(
                f"cannot write to {self._open_path()} at offset {start}: {exc}"
            ) from exc

    def _append(self, member: bytes) -> RecordLocation:
        assert self._fd is not None and self._name is not None
        offset = self._size
        view = memoryview(member)
        action = fault("warc-write")
        if action is not None:
            failing_write(action, self._fd, view)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        self._size = offset + len(member)
        self._unsynced = True
        return RecordLocation(self._name, offset, len(member))

    def _truncate_to(self, offset: int) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, offset)
            os.lseek(self._fd, offset, os.SEEK_SET)
        except OSError:
            logger.error("could not roll %s back to %d", self._open_path(), offset, exc_info=True)

    def _open_path(self) -> Path:
        return self.directory / f"{self._name}{OPEN_SUFFIX}"
