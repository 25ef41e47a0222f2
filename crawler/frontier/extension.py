"""Keeps a worker of a shared crawl in its cycle: heartbeats, takeover and when to stop.

Every beat (a quarter of the lease) renews the worker's liveness, its leases and its host
slots, and puts back the requests of workers that died. An idle worker stays open while the
cycle has work anywhere (another worker's page may still yield links) and closes when the cycle
is complete, or when it is no longer the open cycle.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider, NotConfigured
from scrapy.http import Response
from twisted.internet import task

from archive.frontier import Frontier
from archive.timeutil import to_iso, utcnow
from crawler.extensions.warc import CAPTURE_META
from crawler.frontier.middlewares import GlobalHostLimit
from crawler.frontier.scheduler import LeasedScheduler
from crawler.frontier.spider import shared_frontier
from crawler.spiders.snapshot import MISSING_COMPONENT

logger = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 0.5  # how often an idle worker looks at the shared queue


class FrontierExtension:
    """Heartbeat, takeover of dead workers' requests, and the end of the cycle."""

    def __init__(self, crawler: Crawler, frontier: Frontier) -> None:
        self.crawler = crawler
        self.frontier = frontier
        self.beat_seconds = max(self.frontier.lease_ms / 4000, 0.2)
        self.looping = task.LoopingCall(self._beat)
        # What the heartbeat renews: the scheduler's leases and the host limit's slots. Scrapy
        # builds both after the extensions, so they are looked up when the spider opens.
        self.scheduler: LeasedScheduler | None = None
        self.limiter: GlobalHostLimit | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "FrontierExtension":
        frontier = shared_frontier(crawler)
        if frontier is None:
            raise NotConfigured("not a shared crawl")
        extension = cls(crawler, frontier)
        crawler.signals.connect(extension.spider_opened, signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signals.spider_closed)
        # After the WARC extension (connected first) has archived the response.
        crawler.signals.connect(extension.response_received, signals.response_downloaded)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        scheduler = self.crawler.engine.scheduler
        if not isinstance(scheduler, LeasedScheduler):
            logger.error("a shared crawl needs SCHEDULER = LeasedScheduler, not %s",
                         type(scheduler).__name__)
            raise CloseSpider(MISSING_COMPONENT)
        self.scheduler = scheduler
        self.limiter = self.crawler.get_downloader_middleware(GlobalHostLimit)
        # The engine polls its scheduler every 5 s when idle; an idle worker should notice
        # new requests in the shared queue sooner. (A class attribute of Scrapy's engine.)
        engine = self.crawler.engine
        if hasattr(engine, "_SLOT_HEARTBEAT_INTERVAL"):
            engine._SLOT_HEARTBEAT_INTERVAL = IDLE_POLL_SECONDS
        self.looping.start(self.beat_seconds, now=True)

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        capture = request.meta.get(CAPTURE_META)
        if capture is not None:
            self.frontier.note_capture(capture.url, capture.date)

    def spider_idle(self, spider: Spider) -> None:
        if not self.frontier.is_current():
            logger.info("cycle %s is over; stopping", self.frontier.cycle)
            return
        if self.frontier.complete():
            logger.info("cycle %s is complete", self.frontier.cycle)
            return
        raise DontCloseSpider

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.looping.running:
            self.looping.stop()
        try:
            self.frontier.leave()
        except Exception:  # Redis gone: the leases expire on their own
            logger.warning("could not hand back this worker's requests", exc_info=True)

    def _beat(self) -> None:
        leases = list(self.scheduler.leased) if self.scheduler is not None else []
        slots = {host: list(tokens) for host, tokens in
                 (self.limiter.held if self.limiter is not None else {}).items()}
        try:
            self.frontier.beat("idle" if not leases else "busy", leases, slots)
            self.frontier.requeue()
        except Exception:
            logger.warning("heartbeat to Redis failed", exc_info=True)
        self.frontier.info["at"] = to_iso(utcnow())
