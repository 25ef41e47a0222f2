"""Build the index from the WARC files: in full (`palimpsest reindex`) or just what is new.

The crawl indexes each record as it writes it; this reads the same records back through the
same `Ingestor`, so both routes give the same rows. Which records are whole is the strict
reader's word (archive.verify.files), here as everywhere: a record `verify` rejects is never
indexed, and a row's offset and length are exactly the record's.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
import zlib
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArchiveLoadFailed, ArcWarcRecord

from archive.index import Index, SqliteIndex, index_url, is_postgres, open_index
from archive.index.ingest import Ingestor, RecordInfo
from archive.progress import Report, file_size, tracked
from archive.store.layout import DataLayout
from archive.store.provenance import file_origin, order_key
from archive.verify.files import check_file
from archive.verify.recovery import recover_directory

logger = logging.getLogger(__name__)

COMMIT_EVERY = 2000
# What warcio raises on bytes that are not a readable WARC (it is lenient elsewhere).
_UNREADABLE = (ArchiveLoadFailed, EOFError, zlib.error, ValueError, OSError)

Good = Mapping[str, Sequence[tuple[int, int]]]  # file name -> (offset, length) of whole records


def whole_records(path: Path, start: int = 0) -> list[tuple[int, int]]:
    """(offset, length) of the records the strict reader finds whole from byte `start` on;
    the damage it finds is logged (`palimpsest verify` names it)."""
    report = check_file(path, start=start)
    for defect in report.defects:
        if defect.kind == "structure":
            logger.error("%s: %s; the damaged records are not indexed", path.name, defect)
    return report.good()


def read_records(path: Path, good: Sequence[tuple[int, int]],
                 start: int = 0) -> Iterator[ArcWarcRecord]:
    """The records a strict check found whole (archive.verify), each read by warcio at its
    offset, with `file_offset` and `file_length` set: damaged records in between are skipped,
    never half-read."""
    with path.open("rb") as stream:
        for offset, length in good:
            if offset < start:
                continue
            stream.seek(offset)
            try:
                record = next(iter(ArchiveIterator(stream, check_digests=False)))
            except (StopIteration, *_UNREADABLE) as exc:
                logger.error("%s: record at %d unreadable (%s); skipped", path.name, offset, exc)
                continue
            record.file_offset, record.file_length = offset, length
            yield record


def iter_checked_infos(path: Path, good: Sequence[tuple[int, int]],
                       start: int = 0) -> Iterator[RecordInfo]:
    """RecordInfo for the records a strict check found whole, in file order."""
    for record in read_records(path, good, start):
        try:
            yield RecordInfo.from_record(record, path.name, record.file_offset,
                                         record.file_length)
        except _UNREADABLE as exc:
            logger.error("%s: record at %d unreadable (%s); not indexed", path.name,
                         record.file_offset, exc)


def index_file(index: Index, path: Path, collection: str, start: int = 0,
               good: Sequence[tuple[int, int]] | None = None,
               ingestor: Ingestor | None = None) -> int:
    """Index the whole records of one file from `start` (`good`: as a strict check already
    found them); return how many were applied. Descriptions the index leaves out are in
    `ingestor.ignored`."""
    ingestor = ingestor or Ingestor(index, collection)
    if good is None:
        good = whole_records(path, start)
    count = 0
    index.begin()
    for info in iter_checked_infos(path, good, start):
        ingestor.apply(info)
        index.set_indexed_to(path.name, collection, info.offset + info.length)
        count += 1
        if count % COMMIT_EVERY == 0:
            index.commit()
            index.begin()
    index.commit()
    return count


def catch_up(data_dir: str | Path, index: Index | None = None, good: Good | None = None, *,
             url: str | None = None, worker: str | None = None) -> int:
    """Recover `.open` files and index whatever the index has not seen yet.

    Run at the start of every crawl, so a crash between writing a record and committing its
    row costs nothing: the row is made now, from the file. A worker of a shared crawl
    (`worker`: its name) touches only its own files: another worker may be writing the rest.
    """
    layout = DataLayout(data_dir)
    own = index is None
    index = index or open_index(layout.root, url=url)
    applied = 0
    try:
        for collection in layout.collections():
            recover_directory(layout.archive_dir(collection), worker_suffix(worker))
            known = index.warc_files()
            for path in layout.warc_files(collection):
                if worker is not None and not path.name.endswith(worker_suffix(worker)
                                                                 + ".warc.gz"):
                    continue
                start = known.get(path.name, 0)
                if path.stat().st_size > start:
                    applied += index_file(index, path, collection, start,
                                          None if good is None else good.get(path.name, ()))
    finally:
        if own:
            index.close()
    if applied:
        logger.info("indexed %d records the index had not seen", applied)
    return applied


def worker_suffix(worker: str | None) -> str:
    """The end of a worker's WARC file names before `.warc.gz` (WarcFileWriter's suffix)."""
    return f"-{worker}" if worker else ""


def rebuild(data_dir: str | Path, url: str | None = None, *, good: Good | None = None,
            progress: Report | None = None) -> dict[str, int]:
    """Rebuild the index from scratch, from the WARCs alone. The old index is replaced whole
    only once the new one is complete, so an interrupted rebuild loses nothing. Only records a
    strict check finds whole are indexed (`good`, when the caller has already checked), so no
    row can point at a damaged record."""
    layout = DataLayout(data_dir)
    chosen = index_url(url)
    if is_postgres(chosen):
        return _rebuild_postgres(layout, chosen, good, progress)
    scratch = layout.root / "index.sqlite.rebuild"
    for leftover in (scratch, Path(f"{scratch}-wal"), Path(f"{scratch}-shm")):
        leftover.unlink(missing_ok=True)
    index = SqliteIndex(scratch)
    try:
        counts = _index_all(index, layout, good, progress)
        if layout.index_path.exists():
            _carry_over(layout.index_path, index)
        index.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        index.close()
    for stale in (Path(f"{layout.index_path}-wal"), Path(f"{layout.index_path}-shm")):
        stale.unlink(missing_ok=True)
    os.replace(scratch, layout.index_path)
    return counts


def _carry_over(old_path: Path, new: Index) -> None:
    """Keep what the WARCs cannot give back: the notification channels and delivery log."""
    try:
        old = SqliteIndex(old_path, readonly=True, check=False)
    except sqlite3.Error as exc:
        logger.warning("the old index cannot be opened (%s): notifications start afresh", exc)
        return
    try:
        _copy_state(old, new)
    finally:
        old.db.close()


def _copy_state(old: Index, new: Index) -> None:
    try:
        new.begin()
        copied = new.copy_notify_state(old)
        new.commit()
    except (sqlite3.Error, psycopg_errors()) as exc:
        new.rollback()
        logger.warning("the old index's delivery log cannot be read (%s): notifications "
                       "start afresh", exc)
        return
    logger.info("kept %d delivery log rows of the old index", copied)


def psycopg_errors() -> type[Exception]:
    """psycopg's base error when it is loaded (a PostgreSQL index), else a stand-in."""
    module = sys.modules.get("psycopg")
    return module.Error if module is not None else sqlite3.Error


def _index_all(index: Index, layout: DataLayout, good: Good | None,
               progress: Report | None = None) -> dict[str, int]:
    files = []
    for collection in layout.collections():
        recover_directory(layout.archive_dir(collection))
        files += [(collection, path) for path in layout.warc_files(collection)]
    # Every collection's files in the order they were written, so records are applied in the
    # order the crawls and imports applied them (a crawl, then an import of the same pages).
    files.sort(key=lambda item: order_key(file_origin(item[0], item[1].name)))
    sizes = [file_size(path) if progress else 0 for _, path in files]
    for collection, path in tracked("indexing", files, progress, sizes):
        index_file(index, path, collection,
                   good=good.get(path.name, ()) if good is not None else None)
    return index.counts()


def _rebuild_postgres(layout: DataLayout, url: str, good: Good | None,
                      progress: Report | None = None) -> dict[str, int]:
    """Build into a scratch schema beside the live one, then swap it in: readers see the old
    index until the swap commits. Every worker's WARC files must be in this data folder."""
    from archive.index.postgres import PostgresIndex, split_url

    _, schema = split_url(url)
    scratch_url = _with_schema(url, f"{schema}_rebuild"[:63])
    live = PostgresIndex(url, check=False)
    scratch = PostgresIndex(scratch_url, check=False)
    try:
        scratch.drop()
        scratch.upgrade()
        counts = _index_all(scratch, layout, good, progress)
        _copy_state(live, scratch)
        live.replace_with(scratch)
    finally:
        scratch.close()
        live.close()
    return counts


def _with_schema(url: str, schema: str) -> str:
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "schema"]
    return urlunsplit(parts._replace(query=urlencode(query + [("schema", schema)])))
