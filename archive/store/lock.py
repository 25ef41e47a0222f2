"""One writer per data folder: an flock held for the whole crawl.

`flock` is released by the kernel when the process dies, however it dies, so a crashed crawl
never leaves a stale lock behind for cron to trip over.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from archive.exceptions import LockHeldError


class DataLock:
    """A non-blocking exclusive lock on `DATA/crawl.lock`; a context manager."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> "DataLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "another process"
            os.close(fd)
            raise LockHeldError(f"{self.path} is held by pid {holder}: another crawl is running"
                                ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "DataLock":
        return self.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self.release()
