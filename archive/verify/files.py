"""Check whole WARC files: `.warc.gz` one gzip member per record (Annex D), or plain `.warc`.

Every defect names the file and the byte offset of the record (its gzip member) it is in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from archive.verify.members import GzipDefect, MemberData, MemberEnd, MemberStart, walk
from archive.verify.records import RecordChecker, RecordResult

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
        for record in self.records:
            if record.offset == offset:
                return record
        return None


def check_file(path: Path, label: str | None = None) -> FileReport:
    """Strictly check one WARC file (gzip or plain, told apart by its first bytes)."""
    report = FileReport(path)
    name = label or str(path)
    try:
        with path.open("rb") as stream:
            report.size = path.stat().st_size
            gzipped = stream.read(2) == b"\x1f\x8b"
            stream.seek(0)
            if report.size == 0:
                report.defects.append(Defect(name, None, "empty file: no warcinfo, no record"))
            elif gzipped:
                _check_members(stream, report, name)
            else:
                _check_plain(stream, report, name)
    except OSError as exc:
        report.defects.append(Defect(name, None, f"cannot read: {exc.strerror or exc}"))
        return report
    _check_empty_bodies(report, name)
    for record in report.records:
        report.defects += [Defect(name, record.offset, problem) for problem in record.defects]
        report.defects += [Defect(name, record.offset, problem, "consistency")
                           for problem in record.consistency]
        report.notes += [Defect(name, record.offset, note) for note in record.notes]
    report.defects.sort(key=lambda d: (d.offset is None, d.offset or 0))
    return report


def _check_members(stream: BinaryIO, report: FileReport, name: str) -> None:
    checker: RecordChecker | None = None
    extra_reported = False
    for event in walk(stream):
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
            report.defects.append(Defect(name, event.offset, event.message))
            if event.fatal:
                return


def _report_extra(result: RecordResult, data: bytes) -> None:
    if data.lstrip(b"\r\n").startswith(b"WARC/"):
        result.defects.append("more than one record in one gzip member (WARC 1.1 Annex D "
                              "wants one member per record; warcio cannot seek to the next)")
    else:
        result.defects.append("bytes after the record's end inside its gzip member")


def _check_plain(stream: BinaryIO, report: FileReport, name: str) -> None:
    offset = 0
    checker = RecordChecker(0)
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
