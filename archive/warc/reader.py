"""Read single records back by (file, offset): one seek, one gzip member, bounded output."""

from __future__ import annotations

from io import BufferedReader
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArchiveLoadFailed

from archive.exceptions import ConfigError, CorruptArchiveError
from archive.limits import MAX_RECORD_TEXT_BYTES
from archive.store.layout import DataLayout
from archive.warc.writer import OPEN_SUFFIX

MAX_TEXT_BYTES = MAX_RECORD_TEXT_BYTES


def read_record_content(path: Path, offset: int, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The content block (HTTP payload for responses) of the record at `offset`.

    A file a running crawl is still writing has its `.open` name: it is read under that name.
    """
    try:
        with _open_warc(path) as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)), None)
            if record is None:
                raise CorruptArchiveError(f"{path.name}: no record at offset {offset}")
            data: bytes = record.content_stream().read(limit + 1)
    except FileNotFoundError:
        raise CorruptArchiveError(f"{path}: WARC file is missing") from None
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        raise CorruptArchiveError(f"{path.name} at offset {offset}: {exc}") from None
    if len(data) > limit:
        raise CorruptArchiveError(f"{path.name} at offset {offset}: record over {limit} bytes")
    return data


def _open_warc(path: Path) -> BufferedReader:
    try:
        return path.open("rb")
    except FileNotFoundError:
        try:
            return path.with_name(path.name + OPEN_SUFFIX).open("rb")
        except FileNotFoundError:
            # Renamed from .open to its final name between the two attempts.
            return path.open("rb")


def read_text(layout: DataLayout, collection: str, filename: str, offset: int) -> str:
    """The extracted text stored in a conversion record."""
    try:
        path = layout.warc_path(collection, filename)
    except ConfigError as exc:
        raise CorruptArchiveError(f"index row names {exc}") from None
    content = read_record_content(path, offset)
    return content.decode("utf-8", errors="replace")
