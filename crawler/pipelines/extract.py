"""Write each page's metadata and text records, and count what the capture meant.

The spider has had the text extracted and hashed (in the worker pool) and the WARC extension
has already written the response; this step decides what the capture means (a new version, the
same text, a return to an earlier text, a failure) and writes that down.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.archiver import Archiver, pageinfo
from archive.exceptions import ArchiveWriteError
from archive.index.ingest import FIRST_FAILED, NEW_VERSION, NOT_ARTICLE, RETURNED, UNCHANGED
from crawler.items import DiscoveryItem, PageItem

logger = logging.getLogger(__name__)

_OUTCOME_STATS = {
    NEW_VERSION: "palimpsest/new_versions",
    RETURNED: "palimpsest/returned",
    UNCHANGED: "palimpsest/unchanged",
    FIRST_FAILED: "palimpsest/extraction_failed",
    NOT_ARTICLE: "palimpsest/not_article",
}


class ExtractPipeline:
    """Version decisions for every captured page."""

    def __init__(self, crawler: Crawler, archiver: Archiver) -> None:
        self.archiver = archiver
        self.stats = crawler.stats
        # The WARC extension's way to stop the crawl when the archive cannot be written.
        self.archive_failed = getattr(crawler, "palimpsest_archive_failed", None)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ExtractPipeline":
        archiver = getattr(crawler, "palimpsest_archiver", None)
        if archiver is None:
            raise NotConfigured("the WARC capture extension is not enabled")
        return cls(crawler, archiver)

    def process_item(self, item):
        if self.stats.get_value("palimpsest/archive_error"):
            return item  # nothing more can be written; the crawl is stopping
        try:
            return self._process(item)
        except ArchiveWriteError as exc:
            if self.archive_failed is None:
                raise
            self.archive_failed(exc)  # stop the crawl: never go on without the archive
            return item

    def _process(self, item):
        if isinstance(item, DiscoveryItem):
            data = pageinfo(role=item.role, status="not-article", discovered=item.discovered,
                            extraction={"reason": item.error} if item.error else None,
                            seed=item.seed, lastmod=item.lastmods)
            self.archiver.describe(item.capture, data)
            return item
        if not isinstance(item, PageItem):
            return item
        self.stats.inc_value(f"palimpsest/pages/{item.role}")
        if item.extraction is None:  # a revisit: the payload, hence the text, is known
            outcome = item.capture.outcome or UNCHANGED
            self.stats.inc_value(_OUTCOME_STATS.get(outcome, "palimpsest/unchanged"))
            return item
        described = item.extraction  # extracted and hashed in the extraction worker
        extraction = described.extraction
        data = pageinfo(role=item.role, status=extraction.status, text_hash=described.text_hash,
                        extraction=described.fields, links=item.links, cited_by=item.cited_by,
                        ignore=item.ignore, seed=item.seed)
        data.update(item.requisites)
        outcome = self.archiver.describe(item.capture, data, text=extraction.text)
        if outcome in _OUTCOME_STATS:
            self.stats.inc_value(_OUTCOME_STATS[outcome])
        if extraction.status == "failed":
            logger.warning("extraction failed for %s: %s", item.url, extraction.reason)
        return item
