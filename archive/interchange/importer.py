"""`palimpsest import`: WARC or WACZ files made by other tools, added to a collection.

The WARC files are copied into the collection's archive folder untouched and indexed by the same
Ingestor as a crawl. Other tools write none of Palimpsest's metadata, so each HTML response is
then extracted and hashed as a crawl would do it, and its `urn:pageinfo:` (and, for a new text,
`urn:text:`) records, referring to the foreign record IDs, go into a new WARC file of the
collection. Names are chosen so that the copied files sort before that new file, so `reindex`,
reading the files in name order, applies the records in the order the import did and gives the
same index. Importing a file again adds nothing; after an interrupted import it finishes the
metadata that is missing.

An import adds evidence and never rewrites it: what it brings is of the imported lineage
(archive/store/provenance.py), never the crawl's schedule, roles or versions, and a description
in an imported file that names a record it may not speak for is kept and left out of the index.
"""

from __future__ import annotations

import filecmp
import logging
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from warcio.recordloader import ArcWarcRecord

from archive.archiver import Archiver, CaptureResult, pageinfo
from archive.exceptions import ConfigError
from archive.extract.article import extract_page
from archive.extract.describe import describe_extraction, language_of
from archive.index import Index, open_index
from archive.index.ingest import Ingestor
from archive.index.versioning import FIRST_FAILED, NEW_VERSION, NOT_ARTICLE, RETURNED
from archive.interchange.importstage import StagedWarc, stage
from archive.limits import MAX_EXTRACT_BYTES
from archive.progress import Report, tracked_files
from archive.replay.cdxj import update_cdxj
from archive.store.confined import real_dir
from archive.store.layout import DataLayout, check_collection
from archive.store.provenance import COPY_SERIAL, IMPORT_SUFFIX, IMPORTED, file_origin
from archive.timeutil import timestamp17, utcnow
from archive.verify.reindex import index_file, read_records, whole_records
from archive.warc.payload import decoded_body

logger = logging.getLogger(__name__)

DEFAULT_COLLECTION = "imported"
DEFAULT_MAX_BYTES = 20 * 1024**3  # per source file (a WACZ: its WARC files together)
SCRATCH_PREFIX = ".import-"
STAGING_MARKER = ".palimpsest-import-staging"  # in every scratch folder an import makes
_HTML = ("text/html", "application/xhtml+xml")


@dataclass
class ImportResult:
    """What an import added."""

    collection: str
    files: list[str] = field(default_factory=list)  # WARC files added to the collection
    already: list[str] = field(default_factory=list)  # sources whose records were all there
    records: int = 0  # records in the files added
    pages: int = 0  # HTML captures given metadata (responses extracted, and their revisits)
    # Responses in the files added that came with a description of their own (a Palimpsest
    # export carries its pageinfo records): nothing to extract, yet pages of the history.
    described_in_files: int = 0
    new_versions: int = 0
    returned: int = 0
    extraction_failed: int = 0
    not_article: int = 0
    problems: list[str] = field(default_factory=list)
    # Descriptions in the files that name records they may not speak for: kept in the WARC,
    # left out of the index (archive.store.provenance.may_describe).
    ignored_descriptions: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def import_files(data_dir: str | Path, sources: list[Path],
                 collection: str = DEFAULT_COLLECTION,
                 max_bytes: int = DEFAULT_MAX_BYTES,
                 progress: Report | None = None) -> ImportResult:
    """Import WARC and WACZ files into `collection` (the caller holds the data lock);
    `progress` hears how far each stage (checking, indexing, describing) has got."""
    layout = DataLayout(data_dir)
    check_collection(collection)
    layout.root.mkdir(parents=True, exist_ok=True)
    result = ImportResult(collection)
    _remove_stale_scratch(layout.root)
    # Staged inside the data folder: the same file system, so moving in is a rename.
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=layout.root))
    (scratch / STAGING_MARKER).write_bytes(b"")
    try:
        now = utcnow()
        staged = [warc for source in tracked_files("checking", sources, progress)
                  for warc in stage(source, scratch, max_bytes, now)]
        index = open_index(layout.root)
        try:
            new, known = _sort_out(layout, collection, staged, index, result)
        except BaseException:
            index.close()
            raise
        if not new and not known:
            # Every file was there already: nothing to add or complete, and no empty
            # collection made (it would show in `replay` and `reindex` as one).
            index.close()
            return result
        archiver = Archiver(layout.root, collection, index=index, file_suffix=IMPORT_SUFFIX,
                            warcinfo={"description": "Palimpsest's metadata and extracted "
                                      "text for WARC files imported from other tools"})
        try:
            added = _move_in(layout, collection, new, result)
            # Every new file is indexed before any metadata is written.
            for path in tracked_files("indexing", added, progress):
                ingestor = Ingestor(index, collection)
                result.records += index_file(index, path, collection, ingestor=ingestor)
                result.ignored_descriptions += ingestor.ignored
            described = sorted(set(added) | set(known), key=lambda path: path.name)
            for path in tracked_files("describing", described, progress):
                _describe_file(archiver, path, result, path in added)
        finally:
            archiver.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result.problems += update_cdxj(layout.root, collection, progress=progress).problems
    return result


def _remove_stale_scratch(root: Path) -> None:
    """Remove the scratch folders a killed import left: only real folders (never a symlink)
    that carry the marker every import puts in its own."""
    for stale in root.glob(f"{SCRATCH_PREFIX}*"):
        if stale.is_symlink() or not stale.is_dir() or \
                not (stale / STAGING_MARKER).is_file() or (stale / STAGING_MARKER).is_symlink():
            logger.warning("%s looks like an import's scratch folder but is not one this "
                           "Palimpsest made; left alone", stale)
            continue
        shutil.rmtree(stale, ignore_errors=True)  # we hold the lock: no import is running


def _sort_out(layout: DataLayout, collection: str, staged: list[StagedWarc], index: Index,
              result: ImportResult) -> tuple[list[StagedWarc], list[Path]]:
    """Which staged files are new, and which archived files (of imports into `collection`)
    hold the ones already there, so their metadata can still be completed (an earlier import
    may have been interrupted). Decided for every file before anything moves in: a file that
    reuses record IDs of records already archived, without being one of them, is refused and
    the whole import with it."""
    new: list[StagedWarc] = []
    known_files: set[Path] = set()
    for warc in staged:
        twin = _same_bytes(layout, warc.path, [other.path for other in new])
        if twin is not None:
            result.already.append(warc.source)
            if twin.parent == layout.archive_dir(collection):
                known_files.add(twin)
            continue
        known = [index.capture_by_record(record_id) for record_id in warc.capture_ids]
        found = [capture for capture in known if capture is not None]
        taken = {record_id for other in new for record_id in other.record_ids}
        clash = [record_id for record_id in warc.record_ids if record_id in taken]
        if known and len(found) == len(known):
            result.already.append(warc.source)
            known_files |= {layout.archive_dir(collection) / capture.warc_file
                            for capture in found if capture.collection == collection}
            continue
        if found or clash:
            example = f"{found[0].record_id} in {found[0].warc_file}" if found else \
                f"{clash[0]}, also in another file of this import"
            raise ConfigError(f"{warc.source}: reuses record IDs of records already archived "
                              f"({example}) without being the same file: refused, nothing "
                              "imported (WARC record IDs are unique; a file that repeats "
                              "them would rewrite what the archive holds)")
        new.append(warc)
    known_paths = sorted(path for path in known_files if path.is_file()
                         and file_origin(collection, path.name).kind == IMPORTED)
    return new, known_paths


def _same_bytes(layout: DataLayout, path: Path, staged: list[Path]) -> Path | None:
    """A file already archived (in any collection), or staged before, with exactly the bytes
    of `path`: the same file imported again."""
    size = path.stat().st_size
    candidates = list(staged)
    for collection in layout.collections():
        candidates += layout.warc_files(collection)
    for candidate in candidates:
        if candidate.stat().st_size == size and filecmp.cmp(candidate, path, shallow=False):
            return candidate
    return None


def _move_in(layout: DataLayout, collection: str, staged: list[StagedWarc],
             result: ImportResult) -> list[Path]:
    """Give each new staged file its place in the archive folder; the files added, in name
    order (which is the order they are indexed and reindexed in)."""
    archive_dir = real_dir(layout.root, layout.archive_dir(collection))
    # One stamp for the run, and serial 00000: the files sort before the metadata file the
    # archiver opens next (same or later stamp, serial 00001).
    stamp = timestamp17(utcnow())
    added: list[Path] = []
    for warc in staged:
        target = archive_dir / f"{collection}-{stamp}-{COPY_SERIAL}-{warc.name}"
        counter = 1
        while os.path.lexists(target):
            counter += 1
            target = archive_dir / f"{collection}-{stamp}-{COPY_SERIAL}-{counter}-{warc.name}"
        os.replace(warc.path, target)
        added.append(target)
        result.files.append(target.name)
    return sorted(added, key=lambda path: path.name)


def _describe_file(archiver: Archiver, path: Path, result: ImportResult,
                   counts_own: bool = False) -> None:
    """Write the pageinfo (and text) records of the HTML captures of one imported file;
    `counts_own`: count the responses its own records describe (a file added by this run)."""
    index = archiver.index
    described: dict[str, dict[str, Any]] = {}  # record ID -> the pageinfo written for it
    for record in read_records(path, whole_records(path)):
        if record.rec_type not in ("response", "revisit") or record.http_headers is None:
            continue
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        capture = index.capture_by_record(record_id) if record_id else None
        if capture is not None and capture.extraction is not None and counts_own \
                and capture.warc_file == path.name and record.rec_type == "response":
            result.described_in_files += 1
        if capture is None or capture.extraction is not None or capture.warc_file != path.name:
            continue  # not a web capture, or described already (by its tool, or by us)
        if record.rec_type == "response":
            data, text = _extract(record, capture.url, index, path.name)
            if data is None:
                continue
        else:
            data = described.get(capture.refers_to or "")
            if data is None:
                continue  # the original is not an HTML page imported here
            text = None  # the same payload: its text is the original's, already stored
        outcome = archiver.describe(
            CaptureResult(capture.url, capture.record_id, capture.fetched_at, capture.kind,
                          capture.status or 0, origin=capture.origin), data, text=text)
        described[capture.record_id] = data
        _count(result, outcome)


def _extract(record: ArcWarcRecord, url: str, index: Index,
             filename: str) -> tuple[dict[str, Any] | None, str]:
    """Extract an HTML 2xx response; (None, "") for anything that is not one."""
    status = record.http_headers.get_statuscode() or ""
    content_type = record.http_headers.get_header("Content-Type") or ""
    if not status.startswith("2") or record.rec_headers.get_header("WARC-Truncated"):
        return None, ""
    if content_type.split(";", 1)[0].strip().lower() not in _HTML:
        return None, ""
    body = decoded_body(record, MAX_EXTRACT_BYTES)
    if body is None:
        extraction_fields = {"reason": "the body does not decode (bad content-encoding)"}
        return pageinfo(role=_role(index, url, False), status="failed",
                        extraction=extraction_fields) | {"imported_from": filename}, ""
    extraction = extract_page(body, url, content_type)
    language = language_of(extraction, body,
                           record.http_headers.get_header("Content-Language"))
    digest, fields = describe_extraction(extraction, (), language)
    data = pageinfo(role=_role(index, url, extraction.status == "ok"), status=extraction.status,
                    text_hash=digest, extraction=fields, links=extraction.links)
    data["imported_from"] = filename
    return data, extraction.text


def _role(index: Index, url: str, is_article: bool) -> str:
    """The page's role: what the archive already calls it, else article if it reads as one."""
    page = index.page(url)
    if page is not None and page.role in ("article", "source"):
        return page.role
    return "article" if is_article else "other"


def _count(result: ImportResult, outcome: str | None) -> None:
    result.pages += 1
    if outcome == NEW_VERSION:
        result.new_versions += 1
    elif outcome == RETURNED:
        result.returned += 1
    elif outcome == FIRST_FAILED:
        result.extraction_failed += 1
    elif outcome == NOT_ARTICLE:
        result.not_article += 1
