"""The snapshot spider as a worker of a shared crawl.

Only the coordinator (`palimpsest crawl --redis`) yields the plan's requests, into the shared
queue; then it marks the cycle seeded. Workers start with nothing and pull from the queue.
A request that fails reports itself finished, so its URL is not fetched again this cycle.
"""

from __future__ import annotations

from typing import Any, AsyncIterator

import scrapy
from twisted.python.failure import Failure

from crawler.spiders.snapshot import SnapshotSpider


class SharedSnapshotSpider(SnapshotSpider):
    """SnapshotSpider whose start() only the coordinator runs."""

    def __init__(self, *args: Any, coordinator: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.coordinator = coordinator

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.coordinator:
            return
        async for request in super().start():
            yield request
        self.crawler.palimpsest_frontier.mark_seeded()

    def on_error(self, failure: Failure) -> None:
        super().on_error(failure)
        self.crawler.palimpsest_scheduler.finish_request(failure.request)
