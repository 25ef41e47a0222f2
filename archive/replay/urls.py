"""Where a capture can be replayed: pywb's URL scheme under a configurable base.

The base is where `palimpsest replay` (pywb) is reachable; behind a web server on its own host
name it is that host's URL. `$PALIMPSEST_REPLAY_BASE` sets it for every command.
"""

from __future__ import annotations

import os
import re

from archive.timeutil import from_iso, timestamp14

DEFAULT_REPLAY_BASE = "http://localhost:8080"


def replay_base(base: str | None = None) -> str:
    """The replay base URL: the argument, else `$PALIMPSEST_REPLAY_BASE`, else the default."""
    return (base or os.environ.get("PALIMPSEST_REPLAY_BASE") or DEFAULT_REPLAY_BASE).rstrip("/")


def replay_url(collection: str, fetched_at: str, url: str, base: str | None = None,
               modifier: str = "") -> str:
    """The pywb URL of one capture (`modifier` "mp_": the page alone, without the frame).

    >>> replay_url("demo", "2026-11-25T03:04:05.123456Z", "http://a.example/x", "http://r:8080/")
    'http://r:8080/demo/20261125030405/http://a.example/x'
    """
    return f"{replay_base(base)}/{collection}/{_timestamp14(fetched_at)}{modifier}/{url}"


# Index times are written one way (archive.timeutil.to_iso); their digits are the timestamp.
# Parsing each as a datetime was most of the cost of `history` for a page of 2,000 captures.
_INDEX_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d*)?Z\Z")


def _timestamp14(fetched_at: str) -> str:
    """
    >>> _timestamp14("2026-11-25T03:04:05.123456Z"), _timestamp14("2026-11-25T04:04:05+01:00")
    ('20261125030405', '20261125030405')
    """
    match = _INDEX_TIME.match(fetched_at)
    return "".join(match.groups()) if match else timestamp14(from_iso(fetched_at))
