"""Fault injection for the crash and disk-full tests; inert unless PALIMPSEST_FAULTS is set.

Tests run real crawls in subprocesses and need them to fail at an exact point, the way a full
disk or a power cut would make them fail. The variable holds comma-separated `point:action@n`
entries:

- `warc-write:enospc@N`: from the Nth record write on, each write puts half its bytes on disk
  and then fails with ENOSPC, as a disk that filled up mid-record;
- `warc-write:kill@N`: the Nth record write puts half its bytes on disk, then the process
  SIGKILLs itself (a crash at a byte offset inside a record);
- `index-commit:kill@N`: at the Nth index commit that has rows to commit, the WARC bytes
  are synced but the process SIGKILLs itself before the rows are committed.

Nothing reads the variable but this module, and without it every hook is one dict lookup.
"""

from __future__ import annotations

import errno
import os
import signal
from collections import Counter

VARIABLE = "PALIMPSEST_FAULTS"


def _parse(text: str) -> dict[str, tuple[str, int]]:
    plan = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        point, _, rest = entry.partition(":")
        action, _, number = rest.partition("@")
        if action not in ("enospc", "kill") or not number.isdigit():
            raise ValueError(f"{VARIABLE}: cannot read {entry!r} (point:enospc@N or point:kill@N)")
        plan[point] = (action, int(number))
    return plan


_PLAN = _parse(os.environ.get(VARIABLE, ""))
_HITS: Counter[str] = Counter()


def fault(point: str) -> str | None:
    """The action due at this hit of `point` ("enospc", "kill"), or None."""
    if point not in _PLAN:
        return None
    _HITS[point] += 1
    action, number = _PLAN[point]
    if _HITS[point] == number or (action == "enospc" and _HITS[point] > number):
        return action
    return None


def kill_now() -> None:
    """Die as a power cut or `kill -9` would: no cleanup, no flush, no atexit."""
    os.kill(os.getpid(), signal.SIGKILL)


def failing_write(action: str, fd: int, data: memoryview) -> None:
    """Write half of `data`, then fail as `action` says (never returns)."""
    os.write(fd, data[: len(data) // 2])
    if action == "kill":
        kill_now()
    raise OSError(errno.ENOSPC, "No space left on device (injected)")
