"""Times and durations as users type them and as WARC writes them.

Everything stored is UTC. WARC/1.1 dates carry microseconds (`2026-11-25T03:04:05.123456Z`);
CDXJ and pywb use 14-digit timestamps (`20261125030405`).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_DURATION_RX = re.compile(r"(\d+(?:\.\d+)?)\s*(sec|min|s|m|h|d|w)(?![a-z])", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


def parse_duration(text: str) -> timedelta:
    """Parse `90s`, `10m`, `1h30m`, `2d`, `1w` into a timedelta.

    >>> parse_duration("1h30m")
    datetime.timedelta(seconds=5400)
    >>> parse_duration("10 m")
    datetime.timedelta(seconds=600)
    """
    cleaned = text.strip()
    total = 0.0
    position = 0
    for match in _DURATION_RX.finditer(cleaned):
        if cleaned[position:match.start()].strip():
            break
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
        position = match.end()
    if position == 0 or cleaned[position:].strip():
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 10m, 1h, 2d, 1w)")
    return timedelta(seconds=total)


def parse_when(text: str, now: datetime | None = None) -> datetime:
    """Parse an ISO 8601 time (date, or date and time) or a duration meaning "that long ago".

    Naive times are taken as UTC.

    >>> parse_when("2026-11-25T03:00:00Z").isoformat()
    '2026-11-25T03:00:00+00:00'
    >>> parse_when("2026-11-25").isoformat()
    '2026-11-25T00:00:00+00:00'
    >>> now = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)
    >>> parse_when("2h", now=now).isoformat()
    '2026-11-25T10:00:00+00:00'
    """
    stripped = text.strip()
    try:
        value = datetime.fromisoformat(stripped.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            return (now or utcnow()) - parse_duration(stripped)
        except ValueError:
            raise ValueError(
                f"not a time: {text!r} (use ISO 8601 such as 2026-11-25T03:00Z, or a duration "
                "such as 2h meaning two hours ago)"
            ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def to_iso(value: datetime) -> str:
    """ISO 8601 UTC with a `Z` and microseconds, as WARC/1.1 dates are written.

    >>> to_iso(datetime(2026, 11, 25, 3, 4, 5, 6, tzinfo=timezone.utc))
    '2026-11-25T03:04:05.000006Z'
    """
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_iso(text: str) -> datetime:
    """Read a WARC-Date or an index time back into an aware UTC datetime."""
    return parse_when(text)


def timestamp14(value: datetime) -> str:
    """The 14-digit timestamp pywb and CDXJ use.

    >>> timestamp14(datetime(2026, 11, 25, 3, 4, 5, tzinfo=timezone.utc))
    '20261125030405'
    """
    return value.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")


def timestamp17(value: datetime) -> str:
    """The 17-digit timestamp (milliseconds) WARC file names use.

    >>> timestamp17(datetime(2026, 11, 25, 3, 4, 5, 678000, tzinfo=timezone.utc))
    '20261125030405678'
    """
    utc = value.astimezone(timezone.utc)
    return utc.strftime("%Y%m%d%H%M%S") + f"{utc.microsecond // 1000:03d}"
