"""The snapshot spider as a worker of a shared crawl, holding the crawl's frontier.

Only the coordinator (`palimpsest crawl --redis`) yields the plan's requests, into the shared
queue; then it marks the cycle seeded. Workers start with nothing and pull from the queue.
A request that fails reports itself finished, so its URL is not fetched again this cycle.

The runner hands the spider the cycle's `Frontier` as a spider argument. It owns that object:
it opens or joins the cycle and plans before the crawl, and closes the cycle and reports on it
afterwards, so no component could build it from settings. Spider arguments are how Scrapy hands
one run's own objects to a crawl, and Scrapy makes the spider before any component: each
shared-crawl component takes the frontier in its `from_crawler`, through `shared_frontier`.
"""

from __future__ import annotations

from typing import Any, AsyncIterator

import scrapy
from scrapy.crawler import Crawler
from twisted.python.failure import Failure

from archive.frontier import Frontier
from crawler.spiders.snapshot import SnapshotSpider

# Sent with `request` when a leased request is done with: its callback's output processed
# (FinishedRequests) or its errback called (the spider). LeasedScheduler, connected to it,
# marks the URL fetched for the cycle; neither sender needs to know the scheduler.
request_finished = object()


def shared_frontier(crawler: Crawler) -> Frontier | None:
    """The frontier of the shared crawl `crawler` runs, or None if it runs no shared crawl."""
    spider = crawler.spider
    return spider.frontier if isinstance(spider, SharedSnapshotSpider) else None


class SharedSnapshotSpider(SnapshotSpider):
    """SnapshotSpider whose start() only the coordinator runs."""

    def __init__(self, *args: Any, frontier: Frontier, coordinator: bool = False,
                 **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.frontier = frontier
        self.coordinator = coordinator

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.coordinator:
            return
        async for request in super().start():
            yield request
        self.frontier.mark_seeded()

    def on_error(self, failure: Failure) -> None:
        super().on_error(failure)
        # Scrapy sets `request` on the Failure it hands an errback; Twisted's class lacks it.
        request = failure.request  # type: ignore[attr-defined]
        self.crawler.signals.send_catch_log(request_finished, request=request)
