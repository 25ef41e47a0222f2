"""Read single records back by (file, offset): one seek, one gzip member, bounded output."""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArchiveLoadFailed

from archive.exceptions import CorruptArchiveError
from archive.layout import DataLayout

MAX_TEXT_BYTES = 16 * 1024 * 1024


def read_record_content(path: Path, offset: int, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The content block (HTTP payload for responses) of the record at `offset`."""
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)), None)
            if record is None:
                raise CorruptArchiveError(f"{path.name}: no record at offset {offset}")
            data = record.content_stream().read(limit + 1)
    except FileNotFoundError:
        raise CorruptArchiveError(f"{path}: WARC file is missing") from None
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        raise CorruptArchiveError(f"{path.name} at offset {offset}: {exc}") from None
    if len(data) > limit:
        raise CorruptArchiveError(f"{path.name} at offset {offset}: record over {limit} bytes")
    return data


def read_text(layout: DataLayout, collection: str, filename: str, offset: int) -> str:
    """The extracted text stored in a conversion record."""
    content = read_record_content(layout.archive_dir(collection) / filename, offset)
    return content.decode("utf-8", errors="replace")
