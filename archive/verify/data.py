"""Verify a whole data folder: every WARC strictly, then every index row against the WARCs.

A row is right when its (file, offset, length) is exactly one whole, defect-free record with
the row's record ID, URL and payload digest. While a crawl runs (`live`), the file it is
writing is skipped, and so are rows pointing into it.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.exceptions import ConfigError, PalimpsestError
from archive.index import Capture, Page, Version, open_index
from archive.index.rowcheck import row_problem
from archive.progress import Report, file_size, tracked
from archive.store.layout import DataLayout
from archive.store.provenance import CRAWL_LINEAGE, file_origin, may_describe
from archive.verify.digests import DigestFormatError, parse_digest
from archive.verify.fieldrules import PROFILE_IDENTICAL
from archive.verify.files import Defect, FileReport, check_file
from archive.verify.records import RecordResult
from archive.verify.recovery import INVALID_SUFFIX
from archive.verify.requisites import missing_requisite_notes
from archive.warc.fields import target_uri
from archive.warc.records import PAGEINFO_PREFIX, TEXT_PREFIX
from archive.warc.writer import OPEN_SUFFIX

WARC_SUFFIXES = (".warc.gz", ".warc")


@dataclass
class DataReport:
    """Everything verify found in a data folder."""

    files: dict[str, FileReport] = field(default_factory=dict)  # by relative path
    defects: list[Defect] = field(default_factory=list)  # file defects, then index defects
    index_defects: list[Defect] = field(default_factory=list)
    notes: list[Defect] = field(default_factory=list)
    records: int = 0
    collections: dict[str, str] = field(default_factory=dict)  # file name -> its collection
    ignored_descriptions: int = 0  # descriptions the index leaves out (archive.index.ingest)

    @property
    def ok(self) -> bool:
        return not self.defects and not self.index_defects

    def all_defects(self) -> list[Defect]:
        return self.defects + self.index_defects

    def good_records(self) -> dict[str, list[tuple[int, int]]]:
        """(offset, length) of every defect-free record, by file name: what an index may
        point at. Records after a fatal defect were never read, so they are not here."""
        return {checked.path.name: [(r.offset, r.length) for r in checked.records if r.ok]
                for checked in self.files.values()}


def verify_data(data_dir: str | Path, *, live: bool = False, check_index: bool = True,
                progress: Report | None = None) -> DataReport:
    """Check every WARC file of every collection, then the index against them."""
    layout = DataLayout(data_dir)
    report = DataReport()
    files = [(collection, path) for collection in layout.collections()
             for path in sorted(layout.archive_dir(collection).iterdir())]
    sizes = [file_size(path) if progress else 0 for _, path in files]
    for collection, path in tracked("checking", files, progress, sizes):
        relative = str(path.relative_to(layout.root))
        if path.name.endswith(WARC_SUFFIXES):
            checked = check_file(path, label=relative)
            report.files[relative] = checked
            report.collections[path.name] = collection
            report.defects += checked.defects
            report.notes += checked.notes
            report.records += len(checked.records)
        elif path.name.endswith(OPEN_SUFFIX):
            if live:
                report.notes.append(Defect(relative, None, "being written by the running "
                                                           "crawl: not checked"))
            else:
                report.defects.append(Defect(relative, None, "left open by an interrupted "
                                             "crawl (`palimpsest verify --repair` closes "
                                             "it; so does the next crawl)"))
        elif path.name.endswith(INVALID_SUFFIX):
            report.notes.append(Defect(relative, None, "quarantined by recovery: not part "
                                                       "of the archive, kept for inspection"))
    _check_across_files(report)
    _check_descriptions(report)
    if check_index and layout.index_path.exists():
        report.index_defects = check_index_rows(layout, report)
        report.notes += _requisite_notes(layout)
    return report


def _requisite_notes(layout: DataLayout) -> list[Defect]:
    try:
        index = open_index(layout.root, readonly=True)
    except (sqlite3.Error, PalimpsestError):
        return []  # check_index_rows has said why
    try:
        return missing_requisite_notes(index.db)
    finally:
        index.db.close()


def _check_across_files(report: DataReport) -> None:
    """Record IDs are unique; an identical-payload revisit refers to a record that exists
    and has the payload digest the revisit claims."""
    seen: dict[str, str] = {}
    digests: dict[str, str | None] = {}
    for name, checked in report.files.items():
        for record in checked.records:
            record_id = record.get("WARC-Record-ID")
            if not record_id:
                continue
            if record_id in seen:
                report.defects.append(Defect(name, record.offset, f"WARC-Record-ID {record_id} "
                                             f"is also used in {seen[record_id]}"))
            seen.setdefault(record_id, name)
            digests[record_id] = record.get("WARC-Payload-Digest")
    for name, checked in report.files.items():
        for record in checked.records:
            profile = record.get("WARC-Profile") or ""
            refers = record.get("WARC-Refers-To")
            if (record.get("WARC-Type") or "").lower() != "revisit" or not refers \
                    or not profile.endswith(PROFILE_IDENTICAL):
                continue
            if refers not in digests:
                report.notes.append(Defect(name, record.offset, f"revisit refers to {refers}, "
                                           "which is in no WARC of this data folder"))
            elif not _same_digest(digests[refers], record.get("WARC-Payload-Digest")):
                report.defects.append(Defect(name, record.offset, "revisit's "
                                             "WARC-Payload-Digest differs from the record it "
                                             f"refers to ({refers})"))


def _check_descriptions(report: DataReport) -> None:
    """A description (`urn:pageinfo:`, `urn:text:`) of a capture its file may not speak for is
    kept in its WARC and left out of the index (archive.store.provenance): say so."""
    captures: dict[str, str] = {}  # record ID -> file name
    for checked in report.files.values():
        for record in checked.records:
            if (record.get("WARC-Type") or "").lower() in ("response", "revisit") and record.ok:
                captures.setdefault(record.get("WARC-Record-ID") or "", checked.path.name)
    for name, checked in report.files.items():
        for record in checked.records:
            target = record.get("WARC-Target-URI") or ""
            kind = (record.get("WARC-Type") or "").lower()
            if not ((kind == "metadata" and target.startswith(PAGEINFO_PREFIX))
                    or (kind == "conversion" and target.startswith(TEXT_PREFIX))):
                continue
            theirs = captures.get(record.get("WARC-Refers-To") or "")
            if theirs is None or not record.ok:
                continue
            own = file_origin(report.collections[checked.path.name], checked.path.name)
            other = file_origin(report.collections[theirs], theirs)
            if may_describe(own, other):
                continue
            report.ignored_descriptions += 1
            whose = "crawled here" if other.lineage == CRAWL_LINEAGE else \
                "brought in by another import"
            report.notes.append(Defect(name, record.offset, f"describes "
                                       f"{record.get('WARC-Refers-To')} in {theirs} ({whose}), "
                                       "which this file may not speak for: kept, and left out "
                                       "of the index", "consistency"))


def _same_digest(first: str | None, second: str | None) -> bool:
    """Equal digests, whatever their encoding; True when either cannot be compared."""
    if not first or not second:
        return True
    try:
        algorithm_a, raw_a = parse_digest(first)
        algorithm_b, raw_b = parse_digest(second)
    except DigestFormatError:
        return True  # reported on the record itself
    return algorithm_a != algorithm_b or raw_a == raw_b


def check_index_rows(layout: DataLayout, report: DataReport) -> list[Defect]:
    """One defect per index row that does not read back exactly the record it names."""
    files = {checked.path.name: checked for checked in report.files.values()}
    defects: list[Defect] = []
    try:
        index = open_index(layout.root, readonly=True)
    except sqlite3.Error as exc:
        return [Defect("index.sqlite", None, f"cannot open the index: {exc}", "index")]
    try:
        db = index.db
        for row in db.execute("SELECT * FROM captures"):
            where = f"index: capture {row['id']} of {str(row['url'])[:200]}"
            problem = row_problem(Capture, dict(row))
            if problem is None:
                problem = _row_problem(layout, files, row["collection"], row["warc_file"],
                                       row["warc_offset"], row["warc_length"])
            if problem is None:
                record = files[row["warc_file"]].record_at(row["warc_offset"])
                problem = _capture_mismatch(record, row)
            if problem:
                defects.append(Defect(f"{where} -> {row['warc_file']}", row["warc_offset"],
                                      problem, "index"))
        for row in db.execute("SELECT v.*, c.collection AS collection FROM versions v "
                              "LEFT JOIN captures c ON c.id = v.first_capture"):
            problem = row_problem(Version, dict(row))
            if problem is None and row["collection"] is None:
                problem = "its first capture is not in the index"
            if problem is None and row["text_file"] is not None:
                problem = _row_problem(layout, files, row["collection"], row["text_file"],
                                       row["text_offset"], row["text_length"])
                if problem is None:
                    record = files[row["text_file"]].record_at(row["text_offset"])
                    if record is None or target_uri(record.get("WARC-Target-URI") or "") \
                            != TEXT_PREFIX + row["url"]:
                        problem = "is not the text record of this URL"
            if problem:
                defects.append(Defect(f"index: version {row['id']} of {str(row['url'])[:200]} "
                                      f"-> {row['text_file']}", row["text_offset"], problem,
                                      "index"))
        for row in db.execute("SELECT * FROM pages"):
            problem = row_problem(Page, dict(row))
            if problem:
                defects.append(Defect(f"index: page {str(row['url'])[:200]}", None, problem,
                                      "index"))
        defects += _check_progress(layout, files, db)
    except sqlite3.Error as exc:
        defects.append(Defect("index.sqlite", None, f"cannot read the index: {exc}", "index"))
    finally:
        index.db.close()
    return defects


def _row_problem(layout: DataLayout, files: dict[str, FileReport], collection: str,
                 filename: str, offset: int, length: int) -> str | None:
    """Why (file, offset, length) is not one whole good record; "" to skip (file in progress)."""
    try:
        path = layout.warc_path(collection, filename)
    except ConfigError as exc:
        return str(exc)
    checked = files.get(filename)
    if checked is None:
        if path.exists() or path.with_name(path.name + OPEN_SUFFIX).exists():
            return ""  # written by a crawl running meanwhile: checked once it is closed
        return "the WARC file is missing"
    record = checked.record_at(offset)
    if record is None:
        return "no whole record starts at this offset"
    if record.length != length:
        return f"the record is {record.length} bytes long, the row says {length}"
    if not record.ok:
        return "the record there is defective: " + "; ".join(record.defects)
    return None


def _capture_mismatch(record: RecordResult | None, row: Any) -> str | None:
    if record is None:
        return "no whole record starts at this offset"
    if record.get("WARC-Record-ID") != row["record_id"]:
        return f"the record there is {record.get('WARC-Record-ID')}, not {row['record_id']}"
    if target_uri(record.get("WARC-Target-URI") or "") != row["url"]:
        return f"the record there is of {record.get('WARC-Target-URI')}"
    if (row["payload_digest"] or None) != (record.get("WARC-Payload-Digest") or None):
        return "the record's payload digest differs from the row's"
    return None


def _check_progress(layout: DataLayout, files: dict[str, FileReport],
                    db: Any) -> list[Defect]:
    """`warc_files.indexed_to` must end on a record boundary inside the file."""
    defects = []
    ends: dict[str, set[int]] = defaultdict(set)
    for name, report in files.items():
        ends[name] = {0} | {r.offset + r.length for r in report.records if r.ok}
    for row in db.execute("SELECT filename, collection, indexed_to FROM warc_files"):
        problem = None
        checked = files.get(row["filename"])
        if checked is None:
            try:
                path = layout.warc_path(row["collection"], row["filename"])
            except ConfigError as exc:
                problem = str(exc)
            else:
                if path.exists() or path.with_name(path.name + OPEN_SUFFIX).exists():
                    continue  # written by a crawl running meanwhile
                problem = "the WARC file is missing"
        elif row["indexed_to"] not in ends[row["filename"]]:
            problem = (f"indexed up to byte {row['indexed_to']}, which is not the end of a "
                       "whole record in the file")
        if problem:
            defects.append(Defect(f"index: progress of {row['filename']}", row["indexed_to"],
                                  problem, "index"))
    return defects
