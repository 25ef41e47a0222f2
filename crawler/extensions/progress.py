"""Live counts for a progress display: requests planned so far, done, and what they found.

Enabled only when the CLI hands the crawler a callback (`crawler.palimpsest_progress`), which it
does on an interactive terminal; under cron, with --quiet or --json, there is none. The
extension only counts; drawing is the CLI's (archive/cli/progress.py), so no Scrapy code knows
about the terminal.
"""

from __future__ import annotations

from typing import Callable

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

INTERVAL_S = 0.2


class ProgressReporter:
    """Calls the progress callback with counts a few times a second, and once at the end."""

    def __init__(self, crawler: Crawler, callback: Callable[[dict], None]) -> None:
        self.crawler = crawler
        self.callback = callback
        self.scheduled = 0
        self.dropped = 0
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ProgressReporter":
        callback = getattr(crawler, "palimpsest_progress", None)
        if callback is None:
            raise NotConfigured("no progress display")
        reporter = cls(crawler, callback)
        crawler.signals.connect(reporter.request_scheduled, signals.request_scheduled)
        crawler.signals.connect(reporter.request_dropped, signals.request_dropped)
        crawler.signals.connect(reporter.spider_opened, signals.spider_opened)
        crawler.signals.connect(reporter.spider_closed, signals.spider_closed)
        return reporter

    def request_scheduled(self, request, spider) -> None:
        self.scheduled += 1

    def request_dropped(self, request, spider) -> None:
        self.dropped += 1  # a duplicate the scheduler refused

    def spider_opened(self, spider) -> None:
        self._loop = task.LoopingCall(self.report)
        self._loop.start(INTERVAL_S, now=True)

    def spider_closed(self, spider, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.report(final=True)

    def report(self, final: bool = False) -> None:
        self.callback(self.counts(final))

    def counts(self, final: bool = False) -> dict:
        """Planned and finished requests (each retry and redirect hop counts as one)."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        total = max(self.scheduled - self.dropped, 0)
        done = (stats.get("response_received_count", 0)
                - stats.get("robotstxt/request_count", 0)
                + stats.get("downloader/exception_count", 0)
                + stats.get("palimpsest/refused", 0))
        done = total if final else min(max(done, 0), total)
        return {"total": total, "done": done, "final": final,
                "fetched": stats.get("palimpsest/fetched", 0),
                "new_versions": stats.get("palimpsest/new_versions", 0),
                "failed": stats.get("palimpsest/failed", 0)}
