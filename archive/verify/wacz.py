"""`palimpsest verify FILE.wacz`: a WACZ checked as a WACZ, never read as a WARC.

- `datapackage.json` must list every file of the package with its size and digest, and each
  must match; `datapackage-digest.json`, when present, must hold the digest of
  `datapackage.json`. A signature in it is not checked: py-wacz checks one only with the
  `authsign` package, which Palimpsest does not install (a note says so).
- Each WARC in `archive/` goes through the strict reader, as `verify FILE.warc.gz` would.
- Each line of the package's index (`indexes/index.cdx.gz`, `index.cdx` or `index.cdxj`)
  must point at a whole record of one of its WARCs, of the URL the line names.

Member names are checked as an import checks them (archive.warc.waczread), and every
member is read as a stream, so a package is verified without unpacking it anywhere.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterator

from archive.exceptions import ConfigError
from archive.verify.files import Defect, FileReport, check_stream
from archive.warc.fields import target_uri
from archive.warc.waczread import check_member_name, is_warc_name, open_wacz

MAX_DATAPACKAGE_BYTES = 16 * 1024 * 1024
INDEX_NAMES = ("indexes/index.cdx.gz", "indexes/index.cdx", "indexes/index.cdxj")
UNLISTED = ("datapackage.json", "datapackage-digest.json")
_CHUNK = 1 << 20


@dataclass
class WaczReport:
    """What checking one WACZ found."""

    path: Path
    warcs: dict[str, FileReport] = field(default_factory=dict)  # by member name
    defects: list[Defect] = field(default_factory=list)
    notes: list[Defect] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(len(report.records) for report in self.warcs.values())


def check_wacz(path: Path, contents: bool = True) -> WaczReport:
    """Check a WACZ file: its datapackage digests, then (`contents`) its WARCs strictly and its
    index against them."""
    report = WaczReport(path)
    try:
        with open_wacz(path) as package:
            for info in package.infolist():
                check_member_name(path, info.filename)
            _check_datapackage(package, report)
            if not contents:
                return report
            for info in package.infolist():
                parts = PurePosixPath(info.filename).parts
                if len(parts) == 2 and parts[0] == "archive" and is_warc_name(parts[1]):
                    report.warcs[info.filename] = _check_warc(package, info, report)
            _check_index(package, report)
    except ConfigError as exc:
        report.defects.append(Defect(str(path), None, str(exc).removeprefix(f"{path}: ")))
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        report.defects.append(Defect(str(path), None, f"cannot be read as a ZIP: {exc}"))
    return report


def _label(report: WaczReport, member: str) -> str:
    return f"{report.path}!{member}"


def _check_datapackage(package: zipfile.ZipFile, report: WaczReport) -> None:
    names = {info.filename for info in package.infolist() if not info.is_dir()}
    if "datapackage.json" not in names:
        report.defects.append(Defect(str(report.path), None, "no datapackage.json: not a WACZ "
                                     "(WACZ 1.1.1 requires one, with a digest of every file)"))
        return
    raw = _read_limited(package, "datapackage.json")
    try:
        resources = json.loads(raw)["resources"]
        listed = {item["path"]: item for item in resources}
    except (ValueError, KeyError, TypeError) as exc:
        report.defects.append(Defect(_label(report, "datapackage.json"), None,
                                     f"not a data package: {exc!r}"))
        return
    for name, item in sorted(listed.items()):
        if name not in names:
            report.defects.append(Defect(_label(report, "datapackage.json"), None,
                                         f"lists {name!r}, which is not in the package"))
            continue
        problem = _digest_problem(package, name, item)
        if problem:
            report.defects.append(Defect(_label(report, name), None, problem))
    for name in sorted(names - set(listed) - set(UNLISTED)):
        report.defects.append(Defect(_label(report, name), None, "not listed in "
                                     "datapackage.json: nothing vouches for its bytes"))
    _check_package_digest(package, names, raw, report)


def _check_package_digest(package: zipfile.ZipFile, names: set[str], raw: bytes,
                          report: WaczReport) -> None:
    if "datapackage-digest.json" not in names:
        return
    where = _label(report, "datapackage-digest.json")
    try:
        digest = json.loads(_read_limited(package, "datapackage-digest.json"))
        algorithm, _, expected = str(digest["hash"]).partition(":")
        actual = hashlib.new(algorithm, raw).hexdigest()
    except (ValueError, KeyError, TypeError) as exc:
        report.defects.append(Defect(where, None, f"cannot be read: {exc!r}"))
        return
    if actual != expected:
        report.defects.append(Defect(where, None, "its digest of datapackage.json does not "
                                     "match datapackage.json"))
    if digest.get("signedData"):
        report.notes.append(Defect(where, None, "signed, but the signature is not checked "
                                   "(py-wacz checks it only with the authsign package, which "
                                   "Palimpsest does not install)"))


def _digest_problem(package: zipfile.ZipFile, name: str, item: dict[str, Any]) -> str | None:
    # WACZ 1.1: "hash": "sha256:<hex>", "bytes"; earlier packages: "stats": {"hash",
    # "bytes"} and "hashing": "sha256".
    stats = item["stats"] if isinstance(item.get("stats"), dict) else {}
    declared = str(item.get("hash") or stats.get("hash") or "")
    algorithm, _, expected = declared.partition(":")
    if not expected:
        algorithm, expected = str(item.get("hashing") or "sha256"), declared
    try:
        hasher = hashlib.new(algorithm)
    except ValueError:
        return f"datapackage.json gives no digest it can be checked by ({declared!r})"
    if not expected:
        return "datapackage.json gives no digest of it"
    size = 0
    with package.open(name) as member:
        while chunk := member.read(_CHUNK):
            hasher.update(chunk)
            size += len(chunk)
    length = item.get("bytes", stats.get("bytes"))
    if length is not None and length != size:
        return f"{size} bytes, datapackage.json says {length}"
    if hasher.hexdigest() != expected:
        return f"its {algorithm} digest does not match datapackage.json"
    return None


def _check_warc(package: zipfile.ZipFile, info: zipfile.ZipInfo,
                report: WaczReport) -> FileReport:
    label = _label(report, info.filename)
    checked = FileReport(Path(info.filename))
    with package.open(info) as stream:
        gzipped = stream.read(2) == b"\x1f\x8b"
    with package.open(info) as stream:
        check_stream(stream, checked, label, gzipped=gzipped)
    report.defects += checked.defects
    report.notes += checked.notes
    return checked


def _check_index(package: zipfile.ZipFile, report: WaczReport) -> None:
    names = {info.filename for info in package.infolist()}
    found = [name for name in INDEX_NAMES if name in names]
    if not found:
        report.defects.append(Defect(str(report.path), None, "no index (indexes/index.cdx.gz, "
                                     "index.cdx or index.cdxj)"))
        return
    warcs = {PurePosixPath(name).name: checked for name, checked in report.warcs.items()}
    where = _label(report, found[0])
    for number, line in enumerate(_index_lines(package, found[0]), start=1):
        problem = _line_problem(line, warcs)
        if problem:
            report.defects.append(Defect(f"{where}: line {number}", None, problem, "index"))


def _index_lines(package: zipfile.ZipFile, name: str) -> Iterator[str]:
    """The lines of the package's index, read as a stream (a `.gz` index is ZipNum: many gzip
    members one after another), in bounded steps whatever the compression ratio."""
    with package.open(name) as member:
        if not name.endswith(".gz"):
            for raw in member:
                yield raw.decode("utf-8", "replace").rstrip("\n")
            return
        inflater, pending = zlib.decompressobj(31), b""
        while chunk := member.read(_CHUNK):
            while chunk:
                pending += inflater.decompress(chunk, _CHUNK)
                chunk = inflater.unconsumed_tail
                if inflater.eof:
                    chunk, inflater = inflater.unused_data + chunk, zlib.decompressobj(31)
                *lines, pending = pending.split(b"\n")
                for raw in lines:
                    yield raw.decode("utf-8", "replace")
    if pending.strip():
        yield pending.decode("utf-8", "replace")


def _line_problem(line: str, warcs: dict[str, FileReport]) -> str | None:
    if not line.strip():
        return None
    try:
        fields = json.loads(line.split(" ", 2)[2])
        filename = fields["filename"]
        offset, length = int(fields["offset"]), int(fields["length"])
    except (IndexError, KeyError, TypeError, ValueError):
        return f"not a CDXJ line: {line[:80]!r}"
    checked = warcs.get(filename)
    if checked is None:
        return f"points into {filename!r}, which is not in archive/"
    record = checked.record_at(offset)
    # cdxj-indexer measures a plain WARC's record without its closing CRLF CRLF.
    if record is None or length not in (record.length, record.length - 4):
        return f"no whole record of {filename} at {offset}+{length}"
    if not record.ok:
        return f"points at a damaged record of {filename} ({offset})"
    url = fields.get("url")
    if url and target_uri(record.get("WARC-Target-URI") or "") != url:
        return f"says {url}, the record at {filename}:{offset} is of " \
               f"{record.get('WARC-Target-URI')}"
    return None


def _read_limited(package: zipfile.ZipFile, name: str) -> bytes:
    with package.open(name) as member:
        data = member.read(MAX_DATAPACKAGE_BYTES + 1)
    if len(data) > MAX_DATAPACKAGE_BYTES:
        raise ConfigError(f"{name} is over {MAX_DATAPACKAGE_BYTES} bytes")
    return data
