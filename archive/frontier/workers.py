"""Worker names: each names one process's WARC files (`…-<name>.warc.gz`) and Redis keys."""

from __future__ import annotations

import re
import socket

from archive.exceptions import ConfigError
from archive.store.provenance import IMPORT_SUFFIX

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.]{0,31}")


def check_worker_name(name: str) -> str:
    """The name, if it is safe in a WARC file name and a Redis key; else ConfigError.

    >>> check_worker_name("m2")
    'm2'
    >>> check_worker_name("import")
    Traceback (most recent call last):
    ...
    archive.exceptions.ConfigError: worker name 'import' is reserved for `palimpsest import`
    """
    if not _NAME.fullmatch(name):
        raise ConfigError(f"worker name {name!r}: use 1-32 letters, digits, '_' or '.' "
                          "(starting with a letter; no '-')")
    if name == IMPORT_SUFFIX:
        # Its files would be named like an import's own records, and read as imported
        # (archive/store/provenance.py): a crawl must never pass for an import, or the reverse.
        raise ConfigError(f"worker name {name!r} is reserved for `palimpsest import`")
    return name


def default_worker_name() -> str:
    """The short host name, made safe for WARC file names."""
    host = socket.gethostname().split(".")[0] or "worker"
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in host)
    return cleaned if cleaned[:1].isalpha() else f"w{cleaned}"[:32]
