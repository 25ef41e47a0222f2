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
from typing import Any, AsyncIterable, AsyncIterator, Iterable, Iterator

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from archive.frontier import Frontier
from archive.net.urls import host_of
from crawler.frontier.spider import request_finished, shared_frontier

logger = logging.getLogger(__name__)

SLOT_META = "palimpsest_host_slot"


class FinishedRequests:
    """Marks a leased request finished after its callback's output is processed."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "FinishedRequests":
        if shared_frontier(crawler) is None:
            raise NotConfigured("not a shared crawl")
        return cls(crawler)

    def _finished(self, response: Response) -> None:
        self.crawler.signals.send_catch_log(request_finished, request=response.request)

    async def process_spider_output_async(self, response: Response,
                                          result: AsyncIterable[Any]) -> AsyncIterator[Any]:
        try:
            async for output in result:
                yield output
        finally:
            self._finished(response)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        try:
            yield from result
        finally:
            self._finished(response)


class GlobalHostLimit:
    """Per-host concurrency and delay shared by every worker, through Redis.

    Holds its slots (`held`: FrontierExtension's heartbeat renews them) and gives them back
    when the spider closes."""

    def __init__(self, frontier: Frontier, limit: int, delay: float) -> None:
        self.frontier = frontier
        self.limit = limit
        self.delay = delay
        self.held: dict[str, set[str]] = defaultdict(set)  # host -> tokens

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "GlobalHostLimit":
        frontier = shared_frontier(crawler)
        if frontier is None:
            raise NotConfigured("not a shared crawl")
        settings = crawler.settings
        limiter = cls(frontier, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
                      settings.getfloat("DOWNLOAD_DELAY"))
        crawler.signals.connect(limiter.spider_closed, signals.spider_closed)
        return limiter

    def spider_closed(self, spider: Spider) -> None:
        try:
            for host, tokens in self.held.items():
                for token in list(tokens):
                    self.frontier.release_host(host, token)
        except Exception:  # Redis gone: the slots expire with the lease
            logger.warning("could not give back this worker's host slots", exc_info=True)
        self.held.clear()

    async def process_request(self, request: Request) -> None:
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

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)
        return None

    def _release(self, request: Request) -> None:
        slot = request.meta.pop(SLOT_META, None)
        if slot is not None:
            host, token = slot
            self.held[host].discard(token)
            self.frontier.release_host(host, token)
