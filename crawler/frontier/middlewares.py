"""Two middlewares of a shared crawl.

`FinishedRequests` (spider middleware) reports a request finished once its callback's output
has been consumed: every request it yields is in the shared queue by then, so the cycle cannot
look complete while a page's links are still being read.

`GlobalHostLimit` (downloader middleware, innermost) holds a politeness slot of the host in
Redis for each request: together, all workers keep to CONCURRENT_REQUESTS_PER_DOMAIN requests
at once and DOWNLOAD_DELAY seconds between starts, per host. Each worker's own Scrapy limits
still apply on top.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict

from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from archive.net.urls import host_of

logger = logging.getLogger(__name__)

SLOT_META = "palimpsest_host_slot"


class FinishedRequests:
    """Marks a leased request finished after its callback's output is processed."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if getattr(crawler, "palimpsest_frontier", None) is None:
            raise NotConfigured("not a shared crawl")
        return cls(crawler)

    async def process_spider_output_async(self, response: Response, result):
        try:
            async for output in result:
                yield output
        finally:
            self.crawler.palimpsest_scheduler.finish_request(response.request)

    def process_spider_output(self, response: Response, result):
        try:
            yield from result
        finally:
            self.crawler.palimpsest_scheduler.finish_request(response.request)


class GlobalHostLimit:
    """Per-host concurrency and delay shared by every worker, through Redis."""

    def __init__(self, crawler, limit: int, delay: float) -> None:
        self.frontier = crawler.palimpsest_frontier
        self.limit = limit
        self.delay = delay
        self.held: dict[str, set[str]] = defaultdict(set)  # host -> tokens (renewed by beats)
        crawler.palimpsest_host_slots = self.held

    @classmethod
    def from_crawler(cls, crawler):
        if getattr(crawler, "palimpsest_frontier", None) is None:
            raise NotConfigured("not a shared crawl")
        settings = crawler.settings
        return cls(crawler, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
                   settings.getfloat("DOWNLOAD_DELAY"))

    async def process_request(self, request: Request):
        host = host_of(request.url)
        token = uuid.uuid4().hex
        while True:
            wait = self.frontier.acquire_host(host, token, self.limit, self.delay)
            if wait == 0:
                break
            await asyncio.sleep(wait)
        self.held[host].add(token)
        request.meta[SLOT_META] = (host, token)
        return None

    def process_response(self, request: Request, response: Response):
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception):
        self._release(request)
        return None

    def _release(self, request: Request) -> None:
        slot = request.meta.pop(SLOT_META, None)
        if slot is not None:
            host, token = slot
            self.held[host].discard(token)
            self.frontier.release_host(host, token)
