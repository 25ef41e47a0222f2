"""Retry a response that arrived cut off, after the WARC extension has archived it as such.

With DOWNLOAD_FAIL_ON_DATALOSS off, Scrapy hands over a response whose body is shorter than
its Content-Length or chunk framing promised, flagged `dataloss`. The WARC extension has
already stored it with `WARC-Truncated: length` (nothing received is thrown away); this asks
for it again, within RETRY_TIMES. When the retries run out the truncated response goes on to
the spider, which never extracts from it, so it can never become a version.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Response

logger = logging.getLogger(__name__)


class RetryTruncated:
    """Re-requests responses flagged `dataloss` (priority 940: above decompression)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RetryTruncated":
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if "dataloss" not in (response.flags or []):
            return response
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("palimpsest/truncated_responses")
        logger.warning("%s arrived truncated (%d bytes); archived as WARC-Truncated",
                       request.url, len(response.body))
        if request.meta.get("dont_retry"):
            return response
        # Giving up is a warning, not an error: what arrived is archived, marked truncated.
        spider = self.crawler.spider
        if spider is None:  # no crawl running: nothing to retry in
            return response
        retry = get_retry_request(request, spider=spider, reason="truncated",
                                  give_up_log_level=logging.WARNING)
        return retry if retry is not None else response
