"""How long a captured page requisite stays fresh: HTTP caching's answer, within bounds.

A site's stylesheet, fonts and logo serve every article; fetching them again for each one
would multiply the crawl's requests. A capture is reused for as long as a browser's cache
would reuse the response (RFC 9111 section 4.2.1: `s-maxage`, `max-age`, then `Expires`
minus `Date`, else a tenth of the time since `Last-Modified`), held between a floor (assets
that say nothing, or `no-cache`, are not fetched for every article) and a ceiling (a year-long
`immutable` asset is still checked weekly). After that, a conditional request decides.

>>> from datetime import datetime, timezone
>>> at = datetime(2026, 11, 3, 12, 0, tzinfo=timezone.utc)
>>> fresh_until({"cache-control": "public, max-age=86400"}, at).isoformat()
'2026-11-04T12:00:00+00:00'
>>> fresh_until({"cache-control": "no-store"}, at).isoformat()  # the floor
'2026-11-03T13:00:00+00:00'
>>> fresh_until({"cache-control": "max-age=31536000, immutable"}, at).isoformat()  # the ceiling
'2026-11-10T12:00:00+00:00'
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

MIN_FRESH = timedelta(hours=1)
MAX_FRESH = timedelta(weeks=1)
_DIRECTIVE = re.compile(r"\s*([a-z-]+)\s*(?:=\s*\"?([^\",]*)\"?)?\s*(?:,|$)", re.I)


def lifetime(headers: dict[str, str]) -> timedelta | None:
    """The response's own freshness lifetime (None: it says nothing usable).

    `headers` has lower-case names. `no-cache`, `no-store` and `private` give zero: the floor
    applies, because an archive reusing its own copy for an hour stores no one's private data
    and leaks nothing; it only saves the site a request."""
    directives = _directives(headers.get("cache-control") or "")
    if {"no-cache", "no-store"} & directives.keys():
        return timedelta(0)
    for name in ("s-maxage", "max-age"):
        seconds = _seconds(directives.get(name))
        if seconds is not None:
            return timedelta(seconds=seconds)
    date = _http_date(headers.get("date"))
    expires = headers.get("expires")
    if expires is not None:
        when = _http_date(expires)
        if when is None or date is None:
            return timedelta(0)  # an invalid Expires means "already expired" (RFC 9111 5.3)
        return max(when - date, timedelta(0))
    modified = _http_date(headers.get("last-modified"))
    if modified is not None and date is not None and modified < date:
        return (date - modified) / 10  # the heuristic RFC 9111 section 4.2.2 suggests
    return None


def fresh_until(headers: dict[str, str], fetched_at: datetime,
                floor: timedelta = MIN_FRESH, ceiling: timedelta = MAX_FRESH) -> datetime:
    """Until when a capture fetched at `fetched_at` with these headers is reused."""
    found = lifetime(headers)
    span = floor if found is None else min(max(found, floor), ceiling)
    return fetched_at + span


def _directives(value: str) -> dict[str, str | None]:
    return {match.group(1).lower(): match.group(2) for match in _DIRECTIVE.finditer(value[:4096])
            if match.group(1)}


def _seconds(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return min(int(value.strip()), 10 * 365 * 86400)


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else None


def validator_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """The conditional-request headers (If-None-Match, If-Modified-Since) for what a last
    good response said about itself; revisits of pages and of requisites both send them."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers
