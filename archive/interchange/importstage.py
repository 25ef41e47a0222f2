"""Stage files for `palimpsest import`: recognise them, copy them in, and check every record.

Everything is copied into a scratch folder inside the data folder first and checked there, so
what is checked is exactly what is kept, and a file that fails leaves nothing behind. A WARC is
refused whole when any record fails to parse, when a response lacks its target URI, or when a
`.warc.gz` is not one gzip member per record (pywb and the index read records by offset).
"""

from __future__ import annotations

import re
import shutil
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArchiveLoadFailed

from archive.exceptions import ConfigError
from archive.interchange.waczread import extract_member, is_warc_name, open_wacz, warc_members
from archive.verify.recovery import member_ends

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 96


@dataclass
class StagedWarc:
    """One WARC file, copied into the scratch folder and checked."""

    source: str  # where it came from, for messages: a path, or `package.wacz!archive/x.warc`
    path: Path
    name: str  # its cleaned-up base name, e.g. `crawl-1.warc.gz`
    records: int = 0
    capture_ids: list[str] = field(default_factory=list)  # WARC-Record-IDs of web captures


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


def stage(source: Path, scratch: Path, max_bytes: int) -> list[StagedWarc]:
    """Copy a WARC, or the WARCs of a WACZ, into `scratch` and check them."""
    if not source.is_file():
        raise ConfigError(f"{source}: no such file")
    with source.open("rb") as head:
        magic = head.read(4)
    if magic == b"PK\x03\x04":
        return _stage_wacz(source, scratch, max_bytes)
    if magic[:2] == b"\x1f\x8b" or magic == b"WARC":
        size = source.stat().st_size
        if size > max_bytes:
            raise ConfigError(f"{source}: {size} bytes, over the {max_bytes}-byte import limit "
                              "(--max-bytes)")
        name = warc_name(source.name, gzipped=magic[:2] == b"\x1f\x8b")
        target = _unused(scratch, name)
        shutil.copyfile(source, target)
        return [check(StagedWarc(str(source), target, name))]
    raise ConfigError(f"{source}: neither a WARC (plain or gzipped) nor a WACZ file")


def _stage_wacz(source: Path, scratch: Path, max_bytes: int) -> list[StagedWarc]:
    import zipfile

    staged = []
    with open_wacz(source) as package:
        for info in warc_members(source, package, max_bytes):
            name = clean_name(info.filename)
            target = _unused(scratch, name)
            label = f"{source}!{info.filename}"
            try:
                extract_member(package, info, target)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise ConfigError(f"{label}: cannot be unpacked: {exc}") from None
            staged.append(check(StagedWarc(label, target, name)))
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


def check(staged: StagedWarc) -> StagedWarc:
    """Read every record of a staged WARC; raise ConfigError naming the first problem."""
    end = 0
    try:
        with staged.path.open("rb") as stream:
            records = ArchiveIterator(stream, check_digests=False)
            for record in records:
                staged.records += 1
                kind = record.rec_type
                if kind in ("response", "revisit"):
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    if not uri:
                        raise ConfigError(f"{staged.source}: {kind} record "
                                          f"{staged.records} has no WARC-Target-URI")
                    record_id = record.rec_headers.get_header("WARC-Record-ID")
                    if record_id and uri.lower().startswith(("http://", "https://")):
                        staged.capture_ids.append(record_id)
                while record.raw_stream.read(1 << 16):
                    pass
                if getattr(record.raw_stream, "limit", 0) > 0:  # EOF before Content-Length
                    raise ConfigError(f"{staged.source}: truncated in record {staged.records}")
                end = records.get_record_offset() + records.get_record_length()
    except ArchiveLoadFailed as exc:
        message = str(exc).strip()
        if "non-chunked gzip" in message:
            raise ConfigError(
                f"{staged.source}: gzipped as a whole, not one gzip member per record, so its "
                "records cannot be read by offset; recompress it first (`warcio recompress IN "
                "OUT`) and import the result") from None
        raise ConfigError(f"{staged.source}: not a valid WARC after {staged.records} records: "
                          f"{message.splitlines()[0] if message else exc!r}") from None
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        raise ConfigError(f"{staged.source}: unreadable after {staged.records} records: {exc}"
                          ) from None
    if staged.records == 0:
        raise ConfigError(f"{staged.source}: holds no WARC records")
    _check_members(staged)
    _check_tail(staged, end)
    return staged


def _check_tail(staged: StagedWarc, end: int) -> None:
    """After the last record only blank lines may follow (warcio skips a torn header block)."""
    with staged.path.open("rb") as stream:
        stream.seek(end)
        tail = stream.read(1 << 16)
    if tail.strip(b"\r\n"):
        raise ConfigError(f"{staged.source}: truncated after record {staged.records}: "
                          f"{staged.path.stat().st_size - end} bytes that are not a whole record")


def _check_members(staged: StagedWarc) -> None:
    """A gzipped WARC must be whole gzip members to its last byte (a torn tail reads short)."""
    with staged.path.open("rb") as stream:
        if stream.read(2) != b"\x1f\x8b":
            return
        stream.seek(0)
        end = 0
        for end in member_ends(stream):
            pass
    size = staged.path.stat().st_size
    if end != size:
        raise ConfigError(f"{staged.source}: truncated: its last {size - end} bytes are not a "
                          "complete gzip member")
