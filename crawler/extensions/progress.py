"""Live counts for a progress display: requests planned so far, done, and what they found.

The display is the CLI's (archive/cli/progress.py), so no Scrapy code knows about the terminal:
the reporter sends its counts as the `progress_counted` signal, and whoever runs the crawl
connects the display to it (crawler/run.py, `create_crawler`). A signal, because that is how
Scrapy components tell the code around a crawl what happens, without knowing who listens. The
runner lists the reporter in EXTENSIONS only when a display is shown: under cron, with --quiet
or --json, nobody would read its counts.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from twisted.internet import task

# Sent a few times a second and once at the end, with `counts` (see ProgressReporter.counts).
progress_counted = object()

INTERVAL_S = 0.2


def show_progress(settings: Settings) -> None:
    """List the reporter in these crawl settings' EXTENSIONS (a display is waiting for it)."""
    extensions = settings.getdict("EXTENSIONS")
    extensions[f"{__name__}.{ProgressReporter.__name__}"] = 20
    settings.set("EXTENSIONS", extensions, priority="cmdline")


class ProgressReporter:
    """Sends the crawl's counts as `progress_counted` a few times a second, and at the end."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.scheduled = 0
        self.dropped = 0
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ProgressReporter":
        reporter = cls(crawler)
        crawler.signals.connect(reporter.request_scheduled, signals.request_scheduled)
        crawler.signals.connect(reporter.request_dropped, signals.request_dropped)
        crawler.signals.connect(reporter.spider_opened, signals.spider_opened)
        crawler.signals.connect(reporter.spider_closed, signals.spider_closed)
        return reporter

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        self.scheduled += 1

    def request_dropped(self, request: Request, spider: Spider) -> None:
        self.dropped += 1  # a duplicate the scheduler refused

    def spider_opened(self, spider: Spider) -> None:
        self._loop = task.LoopingCall(self.report)
        self._loop.start(INTERVAL_S, now=True)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.report(final=True)

    def report(self, final: bool = False) -> None:
        self.crawler.signals.send_catch_log(progress_counted, counts=self.counts(final))

    def counts(self, final: bool = False) -> dict[str, Any]:
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
