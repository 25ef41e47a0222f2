"""The crawl's extraction workers: trafilatura off the reactor thread, in a process pool.

Extraction is the one expensive step of archiving an article, so it runs in worker processes
sized to the machine's cores while the reactor keeps downloading. Scrapy's scraper slot bounds
how many downloaded responses can wait for a worker, which keeps memory flat. The spider
awaits `extract` on the pool it finds with `crawler.get_extension(ExtractionPool)`.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from scrapy import signals
from scrapy.crawler import Crawler

from archive.extract.describe import DescribedPage, extract_and_describe


class ExtractionPool:
    """Extracts and hashes pages in worker processes (or inline when sized 0)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        if processes > 0:
            # forkserver: never fork the reactor's threads and sockets into the workers.
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(processes, mp_context=context)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ExtractionPool":
        setting = crawler.settings.get("PALIMPSEST_EXTRACT_PROCESSES")
        processes = (os.cpu_count() or 1) if setting is None else int(setting)
        pool = cls(processes)
        crawler.signals.connect(pool.close, signals.spider_closed)
        return pool

    async def extract(self, body: bytes, url: str, content_type: str | None,
                      ignore: tuple[str, ...] = (),
                      content_language: str | None = None,
                      requisites: bool = False) -> DescribedPage:
        """archive.extract.describe.extract_and_describe in a worker (`requisites`: and the
        page's requisites from the same parse)."""
        if self._pool is None:
            return extract_and_describe(body, url, content_type, ignore, content_language,
                                        requisites)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, extract_and_describe, body, url,
                                          content_type, ignore, content_language, requisites)

    async def call(self, func, *args):
        """Run another pure function of a page in the pool (requisite discovery, say), so
        that parsing stays off the reactor thread; `func` must be importable by name."""
        if self._pool is None:
            return func(*args)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, func, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
