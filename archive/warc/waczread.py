"""Read the WARC files out of a WACZ made elsewhere, without trusting its member names or sizes.

A WACZ is a ZIP. Its member names are never used as paths here (only a cleaned-up base name
ends up in the data folder, chosen by the caller), a name that tries to climb out (`../`, an
absolute path, a backslash) rejects the whole package, and the bytes unpacked are capped: by
each member's declared size, which zipfile enforces while reading, and by a total.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path, PurePosixPath

from archive.exceptions import ConfigError

WARC_SUFFIXES = (".warc.gz", ".warc")
ARCHIVE_FOLDER = "archive"


def is_warc_name(name: str) -> bool:
    """Whether a file name is a WARC's (`.warc` or `.warc.gz`), case aside."""
    return name.lower().endswith(WARC_SUFFIXES)


def check_member_name(source: Path, name: str) -> None:
    """Refuse a member name that tries to leave the package's folders."""
    path = PurePosixPath(name)
    if "\\" in name or path.is_absolute() or ".." in path.parts or ":" in name:
        raise ConfigError(f"{source}: member {name!r} has an unsafe path; not imported")


def warc_members(source: Path, package: zipfile.ZipFile, max_bytes: int) -> list[zipfile.ZipInfo]:
    """The WARC files in a WACZ's `archive/` folder, checked, in name order."""
    members = []
    for info in package.infolist():
        check_member_name(source, info.filename)
        parts = PurePosixPath(info.filename).parts
        if len(parts) == 2 and parts[0] == ARCHIVE_FOLDER and is_warc_name(parts[1]):
            if info.flag_bits & 0x1:
                raise ConfigError(f"{source}: {info.filename} is encrypted; not imported")
            members.append(info)
    if not members:
        raise ConfigError(f"{source}: no WARC files in its archive/ folder; is it a WACZ?")
    declared = sum(info.file_size for info in members)
    if declared > max_bytes:
        raise ConfigError(f"{source}: its WARC files hold {declared} bytes, over the "
                          f"{max_bytes}-byte import limit (--max-bytes)")
    return sorted(members, key=lambda info: info.filename)


def extract_member(package: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """Copy one member's bytes to `target` (zipfile stops at the declared size, checks CRC)."""
    with package.open(info) as member, target.open("xb") as out:
        shutil.copyfileobj(member, out, 1 << 20)


def open_wacz(source: Path) -> zipfile.ZipFile:
    """Open a WACZ, or raise ConfigError saying why it cannot be read."""
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ConfigError(f"{source}: not a readable WACZ (ZIP) file: {exc}") from None
