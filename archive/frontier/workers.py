"""Worker names: each names one process's WARC files (`…-<name>.warc.gz`) and Redis keys."""

from __future__ import annotations

import re
import socket

from archive.exceptions import ConfigError

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.]{0,31}")


def check_worker_name(name: str) -> str:
    """The name, if it is safe in a WARC file name and a Redis key; else ConfigError.

    >>> check_worker_name("m2")
    'm2'
    """
    if not _NAME.fullmatch(name):
        raise ConfigError(f"worker name {name!r}: use 1-32 letters, digits, '_' or '.' "
                          "(starting with a letter; no '-')")
    return name


def default_worker_name() -> str:
    """The short host name, made safe for WARC file names."""
    host = socket.gethostname().split(".")[0] or "worker"
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in host)
    return cleaned if cleaned[:1].isalpha() else f"w{cleaned}"[:32]
