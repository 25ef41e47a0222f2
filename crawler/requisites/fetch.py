"""Fetch one requisite through Scrapy's downloader, or reuse a capture still fresh.

`engine.download_async` runs the request through every downloader middleware (the network
guard, robots.txt when asked, retries, redirects, the shared crawl's per-host slots) and the
downloader's per-host politeness, and the WARC extension archives the response at
`response_downloaded` like any page's. It bypasses the scheduler, the duplicate filter and the
spider: a requisite is a resource, never a page, so nothing extracts, versions or follows it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from scrapy import Request
from scrapy.core.engine import ExecutionEngine
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from archive.index import Index
from archive.schedule.freshness import fresh_until, validator_headers
from archive.timeutil import parse_when, to_iso, utcnow
from crawler.containment import REFUSED_META
from crawler.extensions.warc import CAPTURE_META, RECORD_REFUSED_META
from crawler.failures import exception_reason, ignored_reason

logger = logging.getLogger(__name__)

REQUISITE_META = "palimpsest_requisite"  # request.meta: this request fetches a requisite
_ACCEPT = {  # what a browser sends for each kind, so servers answer as they would to readers
    "stylesheet": "text/css,*/*;q=0.1",
    "image": "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
    "icon": "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
}
_SERVED = {"response": "fetched", "revisit": "revisit", "not-modified": "not-modified"}


@dataclass
class Served:
    """What became of one requisite URL: the capture that serves it, or why there is none."""

    url: str
    kind: str
    outcome: str  # fetched | revisit | not-modified | fresh | failed
    status: int | None = None
    mime: str | None = None
    reason: str | None = None
    final_url: str | None = None  # where redirects led, when elsewhere
    until: datetime | None = None  # reused without a request until then
    children: list[tuple[str, str]] | None = None  # a stylesheet's references
    note: str | None = None  # e.g. not-css: a "stylesheet" that was something else
    body: bytes | None = field(default=None, repr=False)  # a stylesheet's, until parsed

    def entry(self, kind: str, via: str | None, outcome: str | None = None) -> dict[str, Any]:
        """The page's pageinfo entry for it (README: Data layout)."""
        data: dict[str, Any] = {"url": self.url, "type": kind, "outcome": outcome or self.outcome}
        for key, value in (("status", self.status), ("mime", self.mime),
                           ("reason", self.reason), ("final", self.final_url), ("via", via),
                           ("note", self.note)):
            if value is not None:
                data[key] = value
        if self.until is not None and self.outcome != "failed":
            data["fresh_until"] = to_iso(self.until)
        return data


def reuse_from_index(index: Index, url: str, kind: str, now: datetime,
                     ceiling: timedelta) -> Served | None:
    """A capture of `url` that an earlier page listed and that is still fresh (the ceiling in
    force now applies too, so lowering it takes effect at once)."""
    until = index.requisite_fresh_until(url)
    if not until:
        return None
    captures = index.captures(url)
    if not captures:
        return None
    latest = captures[-1]
    try:
        until_at = min(parse_when(until), parse_when(latest.fetched_at) + ceiling)
    except ValueError:
        return None
    if until_at <= now:
        return None
    served = Served(url, kind, "fresh", status=latest.status, mime=latest.mime, until=until_at)
    served.children = index.requisite_children(url)
    return served


def requisite_request(url: str, kind: str, page_url: str, *, max_bytes: int,
                      obey_robots: bool, validators: dict[str, str]) -> Request:
    headers = {"Referer": page_url, **validators}
    if kind in _ACCEPT:
        headers["Accept"] = _ACCEPT[kind]
    meta = {REQUISITE_META: True, "download_maxsize": max(1, max_bytes),
            "download_warnsize": max(1, max_bytes)}
    if not obey_robots:
        meta["dont_obey_robotstxt"] = True
    return Request(url, headers=headers, meta=meta, dont_filter=True)


def validators_for(index: Index, url: str) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the requisite's last good response."""
    page = index.page(url)
    if page is None or index.latest_response(url) is None:
        return {}
    return validator_headers(page.etag, page.last_modified)


async def download(engine: ExecutionEngine, request: Request, kind: str, floor: timedelta,
                   ceiling: timedelta) -> tuple[Served, int]:
    """Fetch, and say what was archived: (the outcome, bytes downloaded)."""
    url = request.url
    try:
        response: Response = await engine.download_async(request)
    except IgnoreRequest as exc:
        message = str(exc)
        # A redirect hop is a new request: its refusal is read from the message it raised.
        named = re.match(r"refused \(([\w-]+)\)", message)
        refused = request.meta.get(REFUSED_META) or (named.group(1) if named else None)
        reason = ignored_reason(message) or (f"refused-{refused}" if refused else None) or \
            ("robots" if "robots.txt" in message else "refused")
        return Served(url, kind, "failed", reason=reason, until=utcnow() + floor), 0
    except Exception as exc:  # any download failure is the requisite's, never the crawl's
        return Served(url, kind, "failed", reason=exception_reason(exc),
                      until=utcnow() + floor), 0
    capture = response.meta.get(CAPTURE_META)
    size = len(response.body)
    if capture is None or capture.url != response.url:
        reason = response.meta.get(RECORD_REFUSED_META) or "not-archived"
        return Served(url, kind, "failed", status=response.status, reason=reason,
                      until=utcnow() + floor), size
    headers = {name.decode("latin-1").lower(): values[0].decode("latin-1")
               for name, values in response.headers.items() if values}
    served = Served(url, kind, _SERVED.get(capture.kind, capture.kind), status=response.status,
                    mime=headers.get("content-type"),
                    final_url=response.url if response.url != url else None)
    if not (200 <= response.status < 300 or response.status == 304):
        served.outcome, served.reason = "failed", f"http-{response.status}"
        served.until = utcnow() + floor  # not asked again for every article of this run
        return served, size
    served.until = fresh_until(headers, parse_when(capture.date), floor, ceiling)
    if kind == "stylesheet" and capture.kind == "response":
        served.body = response.body
    return served, size
