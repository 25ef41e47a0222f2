"""The lines a WARC file gives the replay index: one per record cdxj-indexer lists (responses,
revisits, resources, metadata), for the records the strict reader (archive.verify.files) finds
whole, each handed alone to cdxj-indexer and placed at the offset and length the strict reader
found. Damage is reported, never read through. A `server-not-modified` revisit is listed with
the response it confirms (see archive.replay.cdxj).
"""

from __future__ import annotations

import io
import logging
import zlib
from pathlib import Path
from typing import Any, BinaryIO, Callable, Protocol

from cdxj_indexer.main import CDXJIndexer
from warcio.recordloader import ArchiveLoadFailed

from archive.verify.files import check_file

logger = logging.getLogger(__name__)

NOT_MODIFIED_SUFFIX = "/revisit/server-not-modified"  # WARC 1.0 and 1.1 profile URIs end so
LISTED_TYPES = ("response", "revisit", "resource", "metadata")  # what cdxj-indexer lists

Resolver = Callable[[str], "dict[str, str] | None"]


class Lines(Protocol):
    """Where the lines go (archive.replay.cdxj.SortedRuns)."""

    def write(self, text: str) -> None: ...
    def end_of_file(self) -> None: ...


class _CollectingIndexer(CDXJIndexer):
    """cdxj-indexer over one whole record, with 304 revisits resolved, placed where the strict
    reader found it."""

    def __init__(self, output: Lines, filename: str, resolve: Resolver) -> None:
        # No post_append: it would decode and spool every record's content (a decompression
        # bomb's included) only to key POST captures by their body, and the crawler sends none.
        super().__init__(output, [], filename=filename)
        self._resolve = resolve
        self._place = ("0", "0")

    # cdxj-indexer and warcio have no annotations: their records and rows are Any here.
    def filter_record(self, record: Any) -> bool:
        # cdxj-indexer's default choice, spelled out: importing py-wacz appends "warcinfo" to
        # cdxj-indexer's shared default list, which would change what a process lists.
        if record.rec_type not in LISTED_TYPES:
            return False
        return not (record.rec_type in ("resource", "metadata") and
                    record.rec_headers.get_header("Content-Type") == "application/warc-fields")

    def index_record(self, stream: BinaryIO, offset: int, length: int) -> None:
        self._place = (str(offset), str(length))
        self.process_one(_Slice(stream, offset, length), self.output, self.force_filename)

    def get_field(self, record: Any, name: str, it: Any, filename: str) -> Any:
        if name == "offset":
            return self._place[0]
        if name == "length":  # for plain WARC, warcio leaves out the record's closing CRLFs
            return self._place[1]
        return super().get_field(record, name, it, filename)

    def _write_line(self, out: Any, index: dict[str, Any], record: Any, filename: str) -> None:
        profile = record.rec_headers.get_header("WARC-Profile") or ""
        if record.rec_type == "revisit" and profile.endswith(NOT_MODIFIED_SUFFIX):
            refers_to = record.rec_headers.get_header("WARC-Refers-To")
            original = self._resolve(refers_to) if refers_to else None
            if original is not None:
                index["record_filename"] = index.get("filename")
                index["record_offset"] = index.get("offset")
                index["record_length"] = index.get("length")
                index.update(original)
        super()._write_line(out, index, record, filename)


class _Slice(io.RawIOBase):
    """One record's bytes of a file, ending where the record does; `tell` is the file's."""

    def __init__(self, stream: BinaryIO, offset: int, length: int) -> None:
        stream.seek(offset)
        self.stream, self.position, self.end = stream, offset, offset + length

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        left = self.end - self.position
        data = self.stream.read(left if size is None or size < 0 else min(size, left))
        self.position += len(data)
        return data

    def readinto(self, buffer: Any) -> int:  # a writable buffer (memoryview, bytearray)
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def tell(self) -> int:
        return self.position


class Misaligned(Exception):
    """The CDXJ says a file was indexed up to a byte where no record starts (a CDXJ written
    by a version that measured plain WARC records short, or a file changed under it)."""


def index_lines(path: Path, start: int, resolve: Resolver, out: Lines) -> str | None:
    """Add the CDXJ lines of `path`'s whole records from byte `start` on to `out`; return the
    damage found, if any (every whole record is indexed all the same)."""
    report = check_file(path, start=start)
    if start and any(defect.offset == start and defect.kind == "structure"
                     for defect in report.defects):
        raise Misaligned(f"{path.name}: no whole record at byte {start}")
    indexer = _CollectingIndexer(out, path.name, resolve)
    problem = None
    with path.open("rb") as stream:
        for offset, length in report.good():
            try:
                indexer.index_record(stream, offset, length)
            except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
                problem = problem or f"{path.name}: record at byte {offset} not indexed: {exc}"
            except Exception as exc:  # a derived index must never take a finished crawl down
                logger.debug("indexing %s failed", path, exc_info=True)
                problem = problem or f"{path.name}: record at byte {offset} not indexed: {exc!r}"
            out.end_of_file()
    damage = [defect for defect in report.defects if defect.kind == "structure"]
    if damage:
        first = damage[0]
        where = f"byte {first.offset}" if first.offset is not None else "the file"
        problem = (f"{path.name}: damaged at {where} ({first.problem}); its whole records are "
                   "indexed, the damaged ones are not (run `palimpsest verify`)")
    return problem
