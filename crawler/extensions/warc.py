"""Write every HTTP exchange to WARC at Scrapy's `response_downloaded` signal.

That signal fires before HttpCompressionMiddleware decodes the body, so the stored body is the
entity as received. Signal handlers' exceptions are swallowed by Scrapy's dispatcher, so a write
failure is turned into an explicit spider close here: a crawl never goes on without its archive.

The extension owns the crawl's Archiver. The version pipeline and the spider take it from here
(`crawler.get_extension(WarcCaptureExtension)`), write through `archiver`, ask `stopped` before
writing, and report a failed write with `fail`; the `palimpsest/archive_error` stat only
records the failure for the run's summary.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from archive.archiver import Archiver
from archive.exceptions import ArchiveWriteError, RecordRefusedError
from archive.index import open_index
from crawler.containment import address_policy
from crawler.exchange import RECONSTRUCTION_NOTE, exchange_from
from crawler.middlewares.containment import connected_address_refusal

logger = logging.getLogger(__name__)

CAPTURE_META = "palimpsest_capture"
# request.meta: why the response was not archived (archive.exceptions.RecordRefusedError)
RECORD_REFUSED_META = "palimpsest_record_refused"
FAILED_REASON = "warc_write_failed"


class WarcCaptureExtension:
    """Owns the crawl's Archiver and feeds it every downloaded response."""

    def __init__(self, crawler: Crawler, archiver: Archiver) -> None:
        self.crawler = crawler
        self.archiver = archiver
        self.stats = crawler.stats
        self.error: Exception | None = None
        self.policy = address_policy(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "WarcCaptureExtension":
        settings = crawler.settings
        collection = settings.get("PALIMPSEST_COLLECTION")
        if not collection:
            raise NotConfigured("PALIMPSEST_COLLECTION is not set")
        warcinfo = {
            "http-header-user-agent": settings.get("USER_AGENT"),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "operator-contact": settings.get("PALIMPSEST_CONTACT_URL") or "",
            "description": RECONSTRUCTION_NOTE,
        }
        data = settings.get("PALIMPSEST_DATA")
        archiver = Archiver(
            data, collection, warcinfo=warcinfo,
            index=open_index(data, url=settings.get("PALIMPSEST_INDEX") or None),
            max_bytes=settings.getint("PALIMPSEST_WARC_MAX_BYTES"),
            gzip_level=settings.getint("PALIMPSEST_WARC_GZIP_LEVEL"),
            file_suffix=settings.get("PALIMPSEST_WARC_SUFFIX") or "",
        )
        extension = cls(crawler, archiver)
        crawler.signals.connect(extension.response_downloaded, signals.response_downloaded)
        crawler.signals.connect(extension.spider_closed, signals.spider_closed)
        return extension

    @property
    def stopped(self) -> bool:
        """The archive could not be written: nothing more may be, and the crawl is stopping."""
        return self.error is not None

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        if self.stopped:
            return
        if connected_address_refusal(request, response, self.policy) is not None:
            return  # never archived; ResponseGuard refuses it and counts the refusal
        try:
            result = self.archiver.capture(exchange_from(request, response))
        except RecordRefusedError as exc:  # over a limit verify enforces: not archived at all
            request.meta[RECORD_REFUSED_META] = exc.reason
            logger.warning("not archived: %s", exc)
            return
        except Exception as exc:  # any failure to archive must stop the crawl, not be skipped
            self.fail(exc)
            return
        request.meta[CAPTURE_META] = result
        self.stats.inc_value("palimpsest/records/" + result.kind)

    def fail(self, exc: Exception) -> None:
        """Stop the crawl because archiving failed (once; later failures are the same one)."""
        if self.stopped:
            return
        self.error = exc
        if isinstance(exc, ArchiveWriteError):
            logger.error("archive write failed, stopping the crawl: %s", exc)
        else:
            logger.error("archiving failed, stopping the crawl", exc_info=exc)
        self.stats.set_value("palimpsest/archive_error", str(exc))
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=FAILED_REASON))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        try:
            self.archiver.close()
        except Exception as exc:
            logger.error("could not close the archive cleanly", exc_info=exc)
            self.stats.set_value("palimpsest/archive_error", str(exc))
