"""Check whole WARC files: `.warc.gz` one gzip member per record (Annex D), or plain `.warc`.

This is the one strict reader: verify, crash recovery, reindex, the crawl's catch-up, the
replay index and import all take its word for which records are whole. Every defect names the
file and the byte offset of the record (its gzip member) it is in. Records that follow a
warcinfo carrying Palimpsest's layout field are Palimpsest's own: WARC 1.1's field rules are
defects there, notes elsewhere (a faithful copy of another tool's file is not ours to fix).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterator

from archive.verify.members import GzipDefect, MemberData, MemberEnd, MemberStart, walk
from archive.verify.records import RecordChecker, RecordResult
from archive.warc.formats import ARC, ARC_CONVERSION, ARC_GZ, WACZ, sniff_bytes
from archive.warc.records import LAYOUT_FIELD

_READ = 1 << 20


@dataclass(frozen=True)
class Defect:
    """One thing wrong, where it is: printed as `file:offset: problem`."""

    path: str
    offset: int | None
    problem: str
    kind: str = "structure"  # structure | consistency (HTTP headers vs body) | index

    def __str__(self) -> str:
        where = self.path if self.offset is None else f"{self.path}:{self.offset}"
        return f"{where}: {self.problem}"


@dataclass
class FileReport:
    """The records of one file (whole or not) and every defect found in it."""

    path: Path
    records: list[RecordResult] = field(default_factory=list)
    defects: list[Defect] = field(default_factory=list)
    notes: list[Defect] = field(default_factory=list)
    size: int = 0
    _by_offset: dict[int, RecordResult] = field(default_factory=dict, repr=False)

    @property
    def whole(self) -> bool:
        """No damage anywhere: every record whole and the file framed right to its end (what
        an import accepts; HTTP and field-rule findings aside)."""
        return not any(d.kind == "structure" for d in self.defects)

    def good(self) -> list[tuple[int, int]]:
        """(offset, length) of every whole record: what an index may point at."""
        return [(record.offset, record.length) for record in self.records if record.ok]

    @property
    def good_prefix(self) -> int:
        """Bytes from the start to the end of the last whole record before the first
        structural defect: what crash recovery keeps of a torn file."""
        end = 0
        first_bad = min((d.offset for d in self.defects
                         if d.offset is not None and d.kind == "structure"), default=None)
        for record in self.records:
            if first_bad is not None and record.offset >= first_bad:
                break
            if not record.ok:
                break
            end = record.offset + record.length
        return end

    def record_at(self, offset: int) -> RecordResult | None:
        if len(self._by_offset) != len(self.records):
            self._by_offset = {record.offset: record for record in self.records}
        return self._by_offset.get(offset)


def check_file(path: Path, label: str | None = None, start: int = 0) -> FileReport:
    """Strictly check one WARC file (gzip or plain, told apart by its first bytes), from byte
    `start` (a record boundary) on."""
    report = FileReport(path)
    name = label or str(path)
    try:
        with path.open("rb") as stream:
            report.size = os.fstat(stream.fileno()).st_size
            kind = sniff_bytes(stream.read(4096))
            stream.seek(start)
            if report.size == 0:
                report.defects.append(Defect(name, None, "empty file: no warcinfo, no record"))
            elif kind in (ARC, ARC_GZ):
                report.defects.append(Defect(name, None, ARC_CONVERSION))
            elif kind == WACZ:
                report.defects.append(Defect(name, None, "a WACZ package, not a WARC file"))
            else:
                check_stream(stream, report, name, gzipped=kind.endswith(".gz"), start=start)
                return report
    except OSError as exc:
        report.defects.append(Defect(name, None, f"cannot read: {exc.strerror or exc}"))
    return report


def check_stream(stream: IO[bytes], report: FileReport, name: str, *, gzipped: bool,
                 start: int = 0) -> FileReport:
    """Check the records of a stream positioned at byte `start` of its file (which need not be
    seekable: a member of a WACZ reads the same), adding to `report`."""
    if gzipped:
        _check_members(stream, report, name, start)
    else:
        _check_plain(stream, report, name, start)
    _check_empty_bodies(report, name)
    _check_unique_ids(report)
    for record, own, legacy in _owners(report.records):
        report.defects += [Defect(name, record.offset, problem) for problem in record.defects]
        report.defects += [Defect(name, record.offset, problem, "consistency")
                           for problem in record.consistency]
        report.notes += [Defect(name, record.offset, note) for note in record.notes]
        for rule in record.rules:
            if own:
                report.defects.append(Defect(name, record.offset, rule, "consistency"))
            else:
                where = "an earlier Palimpsest's record" if legacy else "another tool's record"
                report.notes.append(Defect(name, record.offset, f"WARC 1.1 field rule, in "
                                           f"{where}: {rule}", "consistency"))
    report.defects.sort(key=lambda d: (d.offset is None, d.offset or 0))
    return report


def _owners(records: list[RecordResult]) -> Iterator[tuple[RecordResult, bool, bool]]:
    """Each record with whether Palimpsest wrote it under today's layout (`own`), or is an
    earlier Palimpsest's (`legacy`): decided by the last warcinfo before it."""
    own = legacy = False
    for record in records:
        if record.warcinfo or (record.get("WARC-Type") or "").lower() == "warcinfo":
            own = LAYOUT_FIELD in record.warcinfo
            legacy = not own and record.warcinfo.get("software", "").startswith("palimpsest/")
        yield record, own, legacy


def _check_unique_ids(report: FileReport) -> None:
    """Record IDs are unique: a second record with an ID is not the record the ID names."""
    seen: dict[str, int] = {}
    for record in report.records:
        record_id = record.get("WARC-Record-ID")
        if not record_id:
            continue
        if record_id in seen:
            record.defects.append(f"WARC-Record-ID {record_id} is also used at offset "
                                  f"{seen[record_id]} of this file (record IDs must be unique)")
        else:
            seen[record_id] = record.offset


def _check_members(stream: IO[bytes], report: FileReport, name: str, start: int) -> None:
    checker: RecordChecker | None = None
    extra_reported = False
    for event in walk(stream, start):
        if isinstance(event, MemberStart):
            checker, extra_reported = RecordChecker(event.offset), False
        elif isinstance(event, MemberData):
            assert checker is not None
            if checker.done:
                if not extra_reported and checker.state == "done":
                    _report_extra(checker.result, event.data)
                    extra_reported = True
                continue
            leftover = checker.feed(event.data)
            if leftover and not extra_reported:
                _report_extra(checker.result, leftover)
                extra_reported = True
        elif isinstance(event, MemberEnd):
            assert checker is not None
            result = checker.finish()
            result.length = event.length
            report.records.append(result)
            checker = None
        elif isinstance(event, GzipDefect):
            if event.fatal or checker is None:
                report.defects.append(Defect(name, event.offset, event.message))
                if event.fatal:
                    return
            elif event.quirk:
                checker.result.consistency.append(event.message)
            else:
                checker.result.defects.append(event.message)  # the member's data is damaged


def _report_extra(result: RecordResult, data: bytes) -> None:
    if data.lstrip(b"\r\n").startswith(b"WARC/"):
        result.defects.append("more than one record in one gzip member (WARC 1.1 Annex D "
                              "wants one member per record; warcio cannot seek to the next)")
    else:
        result.defects.append("bytes after the record's end inside its gzip member")


def _check_plain(stream: IO[bytes], report: FileReport, name: str, start: int) -> None:
    offset = start
    checker = RecordChecker(start)
    pending = b""
    while True:
        data = pending or stream.read(_READ)
        pending = b""
        if not data:
            break
        leftover = checker.feed(data)
        if checker.state == "broken":
            report.records.append(checker.finish())
            return
        if checker.done:
            result = checker.finish()
            offset += checker.fed - len(leftover)
            result.length = offset - result.offset
            report.records.append(result)
            checker = RecordChecker(offset)
            pending = leftover
    if checker.fed:
        result = checker.finish()
        result.length = checker.fed
        report.records.append(result)


def _check_empty_bodies(report: FileReport, name: str) -> None:
    """An empty body under a non-zero Content-Length is right only for a HEAD request."""
    methods = {}
    for record in report.records:
        if record.method:
            for key in (record.get("WARC-Record-ID"), record.get("WARC-Concurrent-To")):
                if key:
                    methods[key] = record.method
    for record in report.records:
        if record.empty_body_declared is None:
            continue
        method = methods.get(record.get("WARC-Record-ID") or "") or \
            methods.get(record.get("WARC-Concurrent-To") or "")
        if method != "HEAD":
            record.consistency.append(
                f"HTTP Content-Length says {record.empty_body_declared} bytes, the stored body "
                "is empty (and the request was not HEAD)")
