"""Capture what a page needs to render, once per site rather than once per article.

The spider hands each article or cited source whose payload is new to `capture_page`, which
finds the page's requisites (in the extraction pool, off the reactor thread), fetches them
through Scrapy's downloader (crawler/requisites/fetch.py), follows stylesheets' `@import`s
and `url()`s to a depth cap, and returns the list the page's pageinfo record keeps. A
requisite archived recently is reused while its capture is fresh (archive/schedule/
freshness.py), asked for conditionally after that, and stored as a revisit when its payload
has not changed; two pages that need one requisite at once share a single fetch.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Callable, TypeVar
from urllib.parse import urlsplit

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from archive.extract.requisites import Requisite, requisites_of_body, stylesheet_references
from archive.index import Index
from archive.limits import MAX_EXTRACT_BYTES
from archive.timeutil import utcnow
from crawler.extensions.extraction import ExtractionPool
from crawler.extensions.warc import WarcCaptureExtension
from crawler.pageworkers import PageTimeout
from crawler.requisites.budget import Caps, PageBudget
from crawler.requisites.fetch import (
    Served,
    download,
    requisite_request,
    reuse_from_index,
    validators_for,
)

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

ROBOTS_RULES = ("page", "own")
STAT = "palimpsest/requisites/"


class RequisiteCapture:
    """The crawl's requisite fetcher: caps per page, reuse across pages, counts by reason."""

    def __init__(self, crawler: Crawler, caps: Caps, robots: str, floor: timedelta,
                 ceiling: timedelta) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.caps = caps
        self.robots = robots
        self.floor = floor
        self.ceiling = ceiling
        self._served: dict[str, Served] = {}  # this run's outcomes, by URL
        self._inflight: dict[str, asyncio.Future[Served]] = {}
        self._index: Index | None = None
        self._pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RequisiteCapture":
        settings = crawler.settings
        if not settings.getbool("PALIMPSEST_REQUISITES_ENABLED"):
            raise NotConfigured("PALIMPSEST_REQUISITES_ENABLED is off")
        if settings.getdict("EXTENSIONS").get(
                "crawler.extensions.warc.WarcCaptureExtension") is None:
            raise NotConfigured("the WARC capture extension is not enabled")
        robots = settings.get("PALIMPSEST_REQUISITES_ROBOTS") or "page"
        if robots not in ROBOTS_RULES:
            raise NotConfigured(f"PALIMPSEST_REQUISITES_ROBOTS must be one of "
                                f"{', '.join(ROBOTS_RULES)}, not {robots!r}")
        caps = Caps(count=settings.getint("PALIMPSEST_REQUISITES_MAX_COUNT"),
                    total_bytes=settings.getint("PALIMPSEST_REQUISITES_MAX_BYTES"),
                    resource_bytes=settings.getint("PALIMPSEST_REQUISITES_MAX_RESOURCE_BYTES"),
                    css_depth=settings.getint("PALIMPSEST_REQUISITES_CSS_DEPTH"))
        capture = cls(crawler, caps, robots,
                      timedelta(seconds=settings.getint("PALIMPSEST_REQUISITES_FRESH_MIN")),
                      timedelta(seconds=settings.getint("PALIMPSEST_REQUISITES_FRESH_MAX")))
        crawler.signals.connect(capture.spider_opened, signals.spider_opened)
        return capture

    def spider_opened(self, spider: Spider) -> None:
        warc = self.crawler.get_extension(WarcCaptureExtension)
        if warc is not None:
            self._index = warc.archiver.index
        self._pool = self.crawler.get_extension(ExtractionPool)

    # -- one page -----------------------------------------------------------------------------

    async def capture_page(self, response: Response, content_type: str | None,
                           seed_ignores_robots: bool,
                           found: Sequence[Requisite] | None = None) -> dict[str, Any]:
        """Fetch (or reuse) the requisites of a captured page; the pageinfo fields listing
        them: {"requisites": [...], "requisites_skipped": {reason: n}, ...}. `found`: the
        page's requisites when the extraction listed them already from its parse."""
        if self._index is None:
            return {}
        if len(response.body) > MAX_EXTRACT_BYTES:
            self.stats.inc_value(STAT + "skipped/page-too-large")
            return {"requisites_skipped": {"page-too-large": 1}}
        if found is None:
            try:
                found = await self._call(requisites_of_body, response.body, response.url,
                                         content_type)
            except PageTimeout:  # the page is archived; replayed without its requisites
                self.stats.inc_value(STAT + "skipped/timeout")
                return {"requisites_skipped": {"timeout": 1}}
        self.stats.inc_value(STAT + "pages")
        budget = PageBudget(self.caps)
        run = _PageRun(self, budget, response.url,
                       obey_robots=self.robots == "own" and not seed_ignores_robots)
        await run.go([(item.url, item.kind) for item in found])
        fields: dict[str, Any] = {"requisites": budget.entries}
        if budget.skipped:
            fields["requisites_skipped"] = dict(sorted(budget.skipped.items()))
        if budget.unlisted:
            fields["requisites_unlisted"] = budget.unlisted
        return fields

    async def _call(self, func: Callable[..., _T], *args: Any) -> _T:
        if self._pool is None:
            return func(*args)
        return await self._pool.call(func, *args)

    # -- one requisite, shared by every page that needs it ------------------------------------

    async def obtain(self, url: str, kind: str, run: "_PageRun") -> tuple[Served, bool]:
        """The outcome for `url`, and whether this page's own request produced it."""
        now = utcnow()
        known = self._served.get(url)
        if known is not None and known.until is not None and known.until > now:
            return known, False
        pending = self._inflight.get(url)
        if pending is not None:
            return await asyncio.shield(pending), False
        future = asyncio.get_running_loop().create_future()
        self._inflight[url] = future
        try:
            served, own = await self._fetch_or_reuse(url, kind, run, now)
            if served.children is None and served.body is not None:
                body, served.body = served.body, None
                if _is_html(served.mime):
                    served.note = "not-css"  # archived as received, never read as CSS
                    self.stats.inc_value(STAT + "not-css")
                else:
                    try:
                        served.children = await self._call(stylesheet_references, body,
                                                           served.final_url or url, served.mime)
                    except PageTimeout:  # archived; what it imports is left out, and noted
                        served.children, served.note = [], "timeout"
                        self.stats.inc_value(STAT + "skipped/timeout")
            self._served[url] = served
            future.set_result(served)
            return served, own
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here: other waiters get it, nobody logs it twice
            raise
        finally:
            del self._inflight[url]

    async def _fetch_or_reuse(self, url: str, kind: str, run: "_PageRun",
                              now: datetime) -> tuple[Served, bool]:
        index = self._index
        if index is None:  # capture_page asks for nothing before the archive is open
            raise RuntimeError("requisites asked for before the archive was open")
        reused = reuse_from_index(index, url, kind, now, self.ceiling)
        if reused is not None:
            return reused, False
        allowed = run.budget.reserve()
        if allowed <= 0:
            return Served(url, kind, "skipped", reason="bytes-cap"), False
        used = 0
        try:
            request = requisite_request(url, kind, run.page_url, max_bytes=allowed,
                                        obey_robots=run.obey_robots,
                                        validators=validators_for(index, url))
            served, used = await download(self.crawler.engine, request, kind, self.floor,
                                          self.ceiling)
        finally:
            run.budget.settle(allowed, used)
        self.stats.inc_value(STAT + "bytes", used)
        if served.outcome == "not-modified" and kind == "stylesheet":
            served.children = index.requisite_children(url)
        return served, True

    def count(self, served: Served, own: bool) -> None:
        if served.outcome == "failed":
            self.stats.inc_value(STAT + f"failed/{served.reason}")
            logger.info("requisite %s failed: %s", served.url, served.reason)
        elif served.outcome == "skipped":
            self.stats.inc_value(STAT + f"skipped/{served.reason}")
        elif own:
            self.stats.inc_value(STAT + served.outcome.replace("-", "_"))
        else:
            self.stats.inc_value(STAT + "fresh")


class _PageRun:
    """The requisites of one page, fetched a few at a time within its caps."""

    def __init__(self, capture: RequisiteCapture, budget: PageBudget, page_url: str,
                 obey_robots: bool) -> None:
        self.capture = capture
        self.budget = budget
        self.page_url = page_url
        self.obey_robots = obey_robots
        self.seen: set[str] = set()
        self.slots = asyncio.Semaphore(budget.caps.parallel)
        self.tasks: set[asyncio.Task[None]] = set()

    async def go(self, found: list[tuple[str, str]]) -> None:
        for url, kind in found:
            self._spawn(url, kind, None, 0)
        while self.tasks:
            done, _ = await asyncio.wait(set(self.tasks))
            self.tasks -= done
            for task in done:
                error = task.exception()
                if error is not None:
                    raise error

    def _spawn(self, url: str, kind: str, via: str | None, depth: int) -> None:
        if url in self.seen or url == self.page_url:
            return
        self.seen.add(url)
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            self.capture.stats.inc_value(STAT + "inline")  # in the page already
            return
        if scheme not in ("http", "https"):
            self._skip(url, kind, via, "scheme")
            return
        refused = self.budget.admit()
        if refused is not None:
            self._skip(url, kind, via, refused)
            return
        self.tasks.add(asyncio.ensure_future(self._one(url, kind, via, depth)))

    async def _one(self, url: str, kind: str, via: str | None, depth: int) -> None:
        async with self.slots:
            served, own = await self.capture.obtain(url, kind, self)
        self.capture.count(served, own)
        outcome = served.outcome if own or served.outcome in ("failed", "skipped") else "fresh"
        self.budget.record(served.entry(kind, via, outcome))
        for child, child_kind in served.children or ():
            # The cap counts stylesheet levels (the page's own is the first): what a sheet
            # within the cap refers to is fetched, a sheet past it is not.
            if child_kind == "stylesheet" and depth + 1 >= self.budget.caps.css_depth:
                if child not in self.seen:
                    self.seen.add(child)
                    self._skip(child, child_kind, url, "css-depth")
                continue
            self._spawn(child, child_kind, url, depth + 1)

    def _skip(self, url: str, kind: str, via: str | None, reason: str) -> None:
        served = Served(url, kind, "skipped", reason=reason)
        self.capture.count(served, False)
        self.budget.record(served.entry(kind, via))


def _is_html(mime: str | None) -> bool:
    return mime is not None and "html" in mime.lower()
