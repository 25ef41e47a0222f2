"""Stage files for `palimpsest import`: recognise them, copy them in, and check every record.

Everything is copied into a scratch folder inside the data folder first and checked there, so
what is checked is exactly what is kept, and a file that fails leaves nothing behind. The check
is `verify`'s strict reader (archive.verify.files): a file is refused whole when any record is
damaged or cut short, when a field a record needs does not parse (its date, length, record ID,
a capture's target URI), when a record ID repeats, when a record is dated in the future, or
when a `.warc.gz` is not one gzip member per record (pywb and the index read records by
offset). An ARC file is refused with the command that converts it.
"""

from __future__ import annotations

import re
import shutil
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from archive.exceptions import ConfigError
from archive.timeutil import to_iso, utcnow
from archive.verify.files import FileReport, check_file
from archive.warc.fields import target_uri, warc_date
from archive.warc.formats import ARC, ARC_CONVERSION, ARC_GZ, WACZ, WARC, WARC_GZ, sniff
from archive.warc.waczread import extract_member, is_warc_name, open_wacz, warc_members

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 96
# How far ahead of this machine's clock a record may be dated: clocks drift a little. Beyond
# it a capture would claim to come from the future, and is refused.
FUTURE_SKEW = timedelta(minutes=10)
_SHOWN = 3  # problems named in a refusal


@dataclass
class StagedWarc:
    """One WARC file, copied into the scratch folder and checked."""

    source: str  # where it came from, for messages: a path, or `package.wacz!archive/x.warc`
    path: Path
    name: str  # its cleaned-up base name, e.g. `crawl-1.warc.gz`
    records: int = 0
    capture_ids: list[str] = field(default_factory=list)  # WARC-Record-IDs of web captures
    record_ids: list[str] = field(default_factory=list)  # every record's
    notes: list[str] = field(default_factory=list)  # what verify would say that is no damage


def clean_name(name: str) -> str:
    """A base name safe to use in the data folder, keeping the WARC suffix.

    >>> clean_name("../My crawl (2).warc.gz")
    'My-crawl-2.warc.gz'
    >>> clean_name(".warc")
    'imported.warc'
    """
    suffix = ".warc.gz" if name.lower().endswith(".warc.gz") else ".warc"
    stem = name.rsplit("/", 1)[-1][: -len(suffix)] if is_warc_name(name) else name
    stem = _UNSAFE.sub("-", stem).strip(".-")[:_MAX_NAME] or "imported"
    return stem + suffix


def warc_name(name: str, gzipped: bool) -> str:
    """A clean name for a WARC file whose suffix says what its content is.

    >>> warc_name("crawl.warc", gzipped=True), warc_name("dump.bin", gzipped=False)
    ('crawl.warc.gz', 'dump.bin.warc')
    """
    stem = name
    for suffix in (".warc.gz", ".warc", ".gz"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return clean_name(stem + (".warc.gz" if gzipped else ".warc"))


def stage(source: Path, scratch: Path, max_bytes: int,
          now: datetime | None = None) -> list[StagedWarc]:
    """Copy a WARC, or the WARCs of a WACZ, into `scratch` and check them."""
    if not source.is_file():
        raise ConfigError(f"{source}: no such file")
    kind = sniff(source)
    if kind == WACZ:
        return _stage_wacz(source, scratch, max_bytes, now)
    if kind in (ARC, ARC_GZ):
        raise ConfigError(f"{source}: {ARC_CONVERSION}")
    if kind in (WARC, WARC_GZ):
        size = source.stat().st_size
        if size > max_bytes:
            raise ConfigError(f"{source}: {size} bytes, over the {max_bytes}-byte import limit "
                              "(--max-bytes)")
        name = warc_name(source.name, gzipped=kind == WARC_GZ)
        target = _unused(scratch, name)
        shutil.copyfile(source, target)
        return [check(StagedWarc(str(source), target, name), now)]
    raise ConfigError(f"{source}: neither a WARC (plain or gzipped) nor a WACZ file")


def _stage_wacz(source: Path, scratch: Path, max_bytes: int,
                now: datetime | None) -> list[StagedWarc]:
    """The WARCs of a WACZ whose datapackage vouches for every file (as `verify FILE.wacz`
    checks it; its WARCs are then checked one by one, as staged)."""
    import zipfile

    from archive.verify.wacz import check_wacz

    staged = []
    with open_wacz(source) as package:
        wanted = warc_members(source, package, max_bytes)  # names, count and size first
        package_check = check_wacz(source, contents=False)
        if package_check.defects:
            first = package_check.defects[0]
            raise ConfigError(f"{source}: refused, nothing imported: {first.path}: "
                              f"{first.problem}")
        for info in wanted:
            name = clean_name(info.filename)
            target = _unused(scratch, name)
            label = f"{source}!{info.filename}"
            try:
                extract_member(package, info, target)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise ConfigError(f"{label}: cannot be unpacked: {exc}") from None
            staged.append(check(StagedWarc(label, target, name), now))
    return staged


def _unused(folder: Path, name: str) -> Path:
    """`folder/name`, or `folder/name-2…` when that is taken."""
    path = folder / name
    suffix = ".warc.gz" if name.endswith(".warc.gz") else ".warc"
    counter = 1
    while path.exists():
        counter += 1
        path = folder / f"{name[: -len(suffix)]}-{counter}{suffix}"
    return path


def check(staged: StagedWarc, now: datetime | None = None) -> StagedWarc:
    """Check a staged WARC strictly; raise ConfigError naming what makes it unfit to keep."""
    report = check_file(staged.path, label=staged.source)
    damage = [d for d in report.defects if d.kind == "structure"]
    if damage:
        raise ConfigError(_refusal(staged, report, damage))
    if not report.records:
        raise ConfigError(f"{staged.source}: holds no WARC records")
    latest = (now or utcnow()) + FUTURE_SKEW
    for number, record in enumerate(report.records, start=1):
        when = warc_date(record.get("WARC-Date") or "")
        if when > latest:
            raise ConfigError(f"{staged.source}: record {number} (byte {record.offset}) is "
                              f"dated {to_iso(when)}, in the future (this machine's clock says "
                              f"{to_iso(now or utcnow())}): refused, since a capture cannot "
                              "come from the future (a wrong clock, or a forgery)")
        record_id = record.get("WARC-Record-ID") or ""
        staged.record_ids.append(record_id)
        kind = (record.get("WARC-Type") or "").lower()
        uri = target_uri(record.get("WARC-Target-URI") or "").lower()
        if kind in ("response", "revisit") and uri.startswith(("http://", "https://")):
            staged.capture_ids.append(record_id)
    staged.records = len(report.records)
    staged.notes = [str(d) for d in report.defects + report.notes]
    return staged


def _refusal(staged: StagedWarc, report: FileReport, damage: list[Any]) -> str:
    """The message refusing a damaged file: the first problems, where they are."""
    numbers = {record.offset: number for number, record in enumerate(report.records, start=1)}
    shown = []
    for defect in damage[:_SHOWN]:
        where = f"record {numbers[defect.offset]} (byte {defect.offset})" \
            if defect.offset in numbers else f"byte {defect.offset}" \
            if defect.offset is not None else "the file"
        shown.append(f"{where}: {defect.problem}")
    more = f" (and {len(damage) - _SHOWN} more: `palimpsest verify FILE` lists them)" \
        if len(damage) > _SHOWN else ""
    hint = ""
    if any("more than one record in one gzip member" in d.problem for d in damage):
        hint = ("; it is gzipped as a whole, not one gzip member per record, so its records "
                "cannot be read by offset: recompress it first (`warcio recompress IN OUT`) "
                "and import the result")
    return f"{staged.source}: refused, nothing imported: " + "; ".join(shown) + more + hint
