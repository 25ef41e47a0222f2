"""Where a capture can be replayed: pywb's URL scheme under a configurable base.

The base is where `palimpsest replay` (pywb) is reachable; behind a web server on its own host
name it is that host's URL. `$PALIMPSEST_REPLAY_BASE` sets it for every command.
"""

from __future__ import annotations

import os

from archive.timeutil import from_iso, timestamp14

DEFAULT_REPLAY_BASE = "http://localhost:8080"


def replay_base(base: str | None = None) -> str:
    """The replay base URL: the argument, else `$PALIMPSEST_REPLAY_BASE`, else the default."""
    return (base or os.environ.get("PALIMPSEST_REPLAY_BASE") or DEFAULT_REPLAY_BASE).rstrip("/")


def replay_url(collection: str, fetched_at: str, url: str, base: str | None = None) -> str:
    """The pywb URL of one capture.

    >>> replay_url("demo", "2026-11-25T03:04:05.123456Z", "http://a.example/x", "http://r:8080/")
    'http://r:8080/demo/20261125030405/http://a.example/x'
    """
    return f"{replay_base(base)}/{collection}/{timestamp14(from_iso(fetched_at))}/{url}"
