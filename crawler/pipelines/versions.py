"""Record what each captured page's text means: its pageinfo and text records, and the count.

The spider has had the text extracted and hashed (in the extraction pool) and the WARC extension
has already written the response. This pipeline writes the page's pageinfo record through the
same archiver (and its text record when the text is a new version: the archiver asks
archive.index.versioning, the one place that decides) and counts the outcome for the summary.
"""

from __future__ import annotations

import logging
from typing import TypeVar

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.archiver import Archiver, pageinfo
from archive.exceptions import ArchiveWriteError
from archive.index.versioning import FIRST_FAILED, NEW_VERSION, NOT_ARTICLE, RETURNED, UNCHANGED
from crawler.extensions.warc import WarcCaptureExtension
from crawler.items import DiscoveryItem, PageItem

logger = logging.getLogger(__name__)

_Item = TypeVar("_Item")  # whatever the spider yields passes through

_OUTCOME_STATS = {
    NEW_VERSION: "palimpsest/new_versions",
    RETURNED: "palimpsest/returned",
    UNCHANGED: "palimpsest/unchanged",
    FIRST_FAILED: "palimpsest/extraction_failed",
    NOT_ARTICLE: "palimpsest/not_article",
}


class VersionPipeline:
    """Writes each page's description and counts new versions, returns and unchanged texts."""

    def __init__(self, crawler: Crawler, capture: WarcCaptureExtension) -> None:
        self.capture = capture
        self.archiver: Archiver = capture.archiver
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "VersionPipeline":
        # Scrapy builds the extensions before the pipelines: the WARC capture is there to ask
        # for. Its archiver writes the records; its `fail` stops the crawl on a failed write.
        capture = crawler.get_extension(WarcCaptureExtension)
        if capture is None:
            raise NotConfigured("WarcCaptureExtension is not enabled: there is no archive to "
                                "write the pages' descriptions to")
        return cls(crawler, capture)

    def process_item(self, item: _Item) -> _Item:
        if self.capture.stopped:
            return item  # nothing more can be written; the crawl is stopping
        try:
            return self._process(item)
        except ArchiveWriteError as exc:
            self.capture.fail(exc)  # stop the crawl: never go on without the archive
            return item

    def _process(self, item: _Item) -> _Item:
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
        described_as = self.archiver.describe(item.capture, data, text=extraction.text)
        if described_as in _OUTCOME_STATS:
            self.stats.inc_value(_OUTCOME_STATS[described_as])
        if extraction.status == "failed":
            logger.warning("extraction failed for %s: %s", item.url, extraction.reason)
        return item
