"""Writes that stay inside their folder: a symlink planted in it never sends a write, or a
deletion, anywhere else.

`real_dir` checks (and makes) a folder below a root, one component at a time, refusing any
component that is a symbolic link. `ConfinedDir` goes further for folders other people can
write to (a report's web root): it opens the folder once without following links and does every
write, rename, listing and removal through that descriptor, so a link swapped in afterwards is
never followed either.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from archive.exceptions import ConfigError

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0) | \
    getattr(os, "O_CLOEXEC", 0)


def real_dir(root: Path, path: Path, create: bool = True) -> Path:
    """`path`, a folder inside `root`, checked component by component below `root`: each must
    be a real folder, not a symlink (missing ones are made when `create`). `root` itself is the
    user's choice and may be reached through links. Returns `path`."""
    base = Path(root)
    try:
        relative = Path(path).relative_to(base)
    except ValueError:
        raise ConfigError(f"{path} is not inside {root}") from None
    current = base
    for part in relative.parts:
        if part in ("", ".", ".."):
            raise ConfigError(f"{path}: not a plain folder path below {root}")
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            if not create:
                raise ConfigError(f"{current} does not exist") from None
            os.mkdir(current)
            continue
        if stat.S_ISLNK(mode):
            raise ConfigError(f"{current} is a symbolic link: refusing to follow it out of "
                              f"{root}")
        if not stat.S_ISDIR(mode):
            raise ConfigError(f"{current} is not a folder")
    return Path(path)


def create_new(path: Path, mode: int = 0o644) -> int:
    """Open a file that must not exist yet (a link in its place included) for writing."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                   | getattr(os, "O_CLOEXEC", 0), mode)


class ConfinedDir:
    """A folder opened once, without following links; files are written, listed and removed
    only through it. A context manager."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = Path(path)
        self.fd = fd

    @classmethod
    def open(cls, path: Path, create: bool = True) -> "ConfinedDir":
        path = Path(path)
        if create:
            path.mkdir(parents=True, exist_ok=True)
        try:
            return cls(path, os.open(path, _DIR_FLAGS))
        except OSError as exc:
            raise ConfigError(f"{path}: not a folder that can be written safely "
                              f"({exc.strerror or exc})") from None

    def subdir(self, name: str, create: bool = True) -> "ConfinedDir":
        """A folder in this one (made if missing); a symlink in its place is refused."""
        _plain(name)
        if create:
            try:
                os.mkdir(name, mode=0o755, dir_fd=self.fd)
            except FileExistsError:
                pass
        try:
            return ConfinedDir(self.path / name, os.open(name, _DIR_FLAGS, dir_fd=self.fd))
        except OSError as exc:
            raise ConfigError(f"{self.path / name}: not a real folder (a symbolic link, or "
                              f"another file): refusing to write through it "
                              f"({exc.strerror or exc})") from None

    def write_bytes(self, name: str, data: bytes, mode: int = 0o644) -> None:
        """Write a file atomically: a reader never sees half of it, and a link at `name` is
        replaced, never written through."""
        _plain(name)
        temporary = f".tmp-{secrets.token_hex(8)}-{name}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL |
                     getattr(os, "O_NOFOLLOW", 0), mode, dir_fd=self.fd)
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, mode, dir_fd=self.fd)
            os.replace(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except BaseException:
            try:
                os.unlink(temporary, dir_fd=self.fd)
            except OSError:
                pass
            raise

    def read_bytes(self, name: str, limit: int) -> bytes | None:
        """A regular file's first `limit` bytes, or None when it is missing (or is a link)."""
        _plain(name)
        try:
            fd = os.open(name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0), dir_fd=self.fd)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as stream:
            return stream.read(limit)

    def names(self) -> list[str]:
        return os.listdir(self.fd)

    def is_file(self, name: str) -> bool:
        """A regular file (a link is not one) of this folder."""
        try:
            return stat.S_ISREG(os.stat(name, dir_fd=self.fd, follow_symlinks=False).st_mode)
        except OSError:
            return False

    def unlink(self, name: str) -> None:
        _plain(name)
        os.unlink(name, dir_fd=self.fd)

    def close(self) -> None:
        os.close(self.fd)

    def __enter__(self) -> "ConfinedDir":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _plain(name: str) -> str:
    if not name or name in (".", "..") or "/" in name or "\x00" in name:
        raise ConfigError(f"{name!r} is not a plain file name")
    return name
