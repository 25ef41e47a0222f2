"""WARC header values, parsed at the door: dates, target URIs and record IDs.

Every reader (the strict check, indexing, the replay index, import) reads these values through
here, so they agree on what a value means and on which values are unreadable. A value that
does not parse raises ValueError with the value named; the strict check turns that into a
defect, and a record with such a mandatory value is never indexed.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

from archive.timeutil import to_iso

# W3C-DTF as WARC 1.1 writes it (section 5.4), with the fractional seconds WARC 1.1 allows
# writers to add. A time zone other than `Z` is not WARC.
_DATE = re.compile(r"^(\d{4})(?:-(\d\d)(?:-(\d\d)"
                   r"(?:T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?Z)?)?)?$")
_RECORD_ID = re.compile(r"^<[A-Za-z][A-Za-z0-9+.-]*:[^<>\s]+>$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")  # one scan, not a loop per character


def warc_date(value: str) -> datetime:
    """A WARC-Date as an aware UTC datetime; ValueError when it is not a real W3C-DTF date.

    >>> warc_date("2014-01-27T17:12:00Z").isoformat()
    '2014-01-27T17:12:00+00:00'
    >>> warc_date("2026-11-25T03:04:05.123456789Z").microsecond
    123456
    >>> warc_date("2026-13-01T00:00:00Z")
    Traceback (most recent call last):
    ...
    ValueError: WARC-Date '2026-13-01T00:00:00Z' is not a date: month must be in 1..12
    """
    match = _DATE.match(value.strip())
    if not match:
        raise ValueError(f"WARC-Date {value[:60]!r} is not a W3C-DTF date")
    year, month, day, hour, minute, second, fraction = match.groups()
    try:
        return datetime(int(year), int(month or 1), int(day or 1), int(hour or 0),
                        int(minute or 0), int(second or 0),
                        int((fraction or "0")[:6].ljust(6, "0")), tzinfo=timezone.utc)
    except ValueError as exc:
        raise ValueError(f"WARC-Date {value[:60]!r} is not a date: {exc}") from None


def index_time(value: str) -> str:
    """A WARC-Date as the index stores times: UTC, microseconds and a Z, so they sort as text.

    >>> index_time("2014-01-27T17:12:00Z")
    '2014-01-27T17:12:00.000000Z'
    """
    return to_iso(warc_date(value))


def target_uri(value: str) -> str:
    """A WARC-Target-URI as warcio and pywb read it: the angle brackets older wget wrote around
    it dropped, spaces percent-encoded.

    >>> target_uri("<http://example.com/a b>")
    'http://example.com/a%20b'
    """
    uri = value.strip()
    if uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1]
    return uri.replace(" ", "%20")


def check_target_uri(value: str) -> str:
    """The target URI (as `target_uri` reads it); ValueError when it is not a URI at all, or is
    an http(s) URI without a host."""
    uri = target_uri(value)
    if not uri or not _SCHEME.match(uri) or _CONTROL_OR_SPACE.search(uri):
        raise ValueError(f"WARC-Target-URI {value[:80]!r} is not a URI")
    if uri.lower().startswith(("http://", "https://")):
        try:
            host = urlsplit(uri).hostname
        except ValueError:
            host = None
        if not host:
            raise ValueError(f"WARC-Target-URI {value[:80]!r} has no host")
    return uri


def is_record_id(value: str) -> bool:
    """Whether a value is a WARC-Record-ID: one URI in angle brackets, no whitespace.

    >>> is_record_id("<urn:uuid:0b3a>"), is_record_id("urn:uuid:0b3a"), is_record_id("<x y>")
    (True, False, False)
    """
    return bool(_RECORD_ID.match(value.strip()))
