"""The crawl's extraction workers: trafilatura off the reactor thread, in a process pool.

Extraction is the one expensive step of archiving an article, so it runs in worker processes
sized to the machine's cores while the reactor keeps downloading. Scrapy's scraper slot bounds
how many downloaded responses can wait for a worker, which keeps memory flat. The spider
awaits `extract` on the pool it finds with `crawler.get_extension(ExtractionPool)`.
"""

from __future__ import annotations

import os
from typing import Any, Callable, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler

from archive.extract.article import failed_extraction
from archive.extract.describe import DescribedPage, describe_page, extract_and_describe
from archive.extract.linkcount import too_many_links
from crawler.pageworkers import PageTimeout, PageWorkers

T = TypeVar("T")
DEFAULT_PAGE_BUDGET = 60.0  # seconds; crawler/settings.py PALIMPSEST_PAGE_BUDGET


class ExtractionPool:
    """Extracts and hashes pages in worker processes (or inline when sized 0)."""

    def __init__(self, processes: int, budget: float = DEFAULT_PAGE_BUDGET) -> None:
        self.processes = processes
        # One job at a time per process, each under the per-page budget (crawler/pageworkers.py).
        self._pool: PageWorkers | None = PageWorkers(processes, budget) if processes > 0 \
            else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ExtractionPool":
        setting = crawler.settings.get("PALIMPSEST_EXTRACT_PROCESSES")
        processes = (os.cpu_count() or 1) if setting is None else int(setting)
        pool = cls(processes, crawler.settings.getfloat("PALIMPSEST_PAGE_BUDGET"))
        crawler.signals.connect(pool.close, signals.spider_closed)
        return pool

    async def extract(self, body: bytes, url: str, content_type: str | None,
                      ignore: tuple[str, ...] = (),
                      content_language: str | None = None,
                      requisites: bool = False) -> DescribedPage:
        """archive.extract.describe.extract_and_describe in a worker (`requisites`: and the
        page's requisites from the same parse)."""
        refused = too_many_links(body)  # bounded before any parsing (archive/limits.py)
        if refused is not None:
            return describe_page(failed_extraction(refused), ignore)
        if self._pool is None:
            return extract_and_describe(body, url, content_type, ignore, content_language,
                                        requisites)
        try:
            return await self._pool.run(extract_and_describe, body, url, content_type, ignore,
                                        content_language, requisites)
        except PageTimeout as exc:  # archived already; failed, never a version
            return describe_page(failed_extraction(f"timeout: {exc}"), ignore)

    async def call(self, func: Callable[..., T], *args: Any) -> T:
        """Run another pure function of a page in the pool (requisite discovery, say), so
        that parsing stays off the reactor thread; `func` must be importable by name.
        Raises PageTimeout over the per-page budget."""
        if self._pool is None:
            return func(*args)
        return await self._pool.run(func, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
