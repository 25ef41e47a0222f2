"""The snapshot spider: seeds to articles, articles to the sources they cite.

Every response is archived by the WARC extension before it gets here; the spider only decides
what to fetch next and hands pages to the version pipeline. Request meta carries plain
values (seed position, role, hop), so requests stay serialisable for a shared frontier.
"""

from __future__ import annotations

import logging
import re
from typing import Any, AsyncIterator, Callable, Iterable, Iterator

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.archiver import Archiver, CaptureResult
from archive.extract.article import failed_extraction
from archive.extract.describe import describe_page
from archive.extract.discover import Entry, parse_feed, parse_sitemap
from archive.extract.linkcount import too_many_links
from archive.extract.listing import listing_links_of_body
from archive.extract.requisites import Requisite
from archive.index.versioning import UNCHANGED
from archive.limits import MAX_EXTRACT_BYTES
from archive.net.urls import UnsafeURLError, canonical_url, host_of
from archive.schedule.outcomes import (
    CAP_STAT_PREFIX,
    FAILED,
    FETCHED,
    REFUSED,
    STAT_PREFIX,
    UNREADABLE,
    seed_mark,
)
from archive.schedule.plan import CrawlPlan
from archive.schedule.seeds import Seed, SeedFile, SeedPolicy
from crawler.containment import REFUSED_META
from crawler.extensions.extraction import ExtractionPool
from crawler.extensions.warc import (
    CAPTURE_META,
    RECORD_REFUSED_META,
    WarcCaptureExtension,
)
from crawler.failures import exception_reason, ignored_reason
from crawler.items import DiscoveryItem, PageItem
from crawler.pageworkers import PageTimeout
from crawler.requisites.capture import RequisiteCapture

logger = logging.getLogger(__name__)

META = "palimpsest"
MISSING_COMPONENT = "missing_component"  # finish reason: an extension the spider needs is off
MAX_SITEMAP_DEPTH = 3
# A feed or sitemap seed that suddenly lists nothing, after this many articles were found
# through it, counts as unreadable: a moved feed must not fall silent.
EMPTIED_AFTER = 3
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class SnapshotSpider(scrapy.Spider):
    """Crawls one seed file: pages, listings, feeds and sitemaps, then cited sources."""

    name = "snapshot"
    # The WARC capture and the extraction pool, found when the crawl opens (find_components).
    capture: WarcCaptureExtension
    extractor: ExtractionPool
    requisites: RequisiteCapture | None = None
    # A 304 answers our conditional requests: archived as a server-not-modified revisit.
    handle_httpstatus_list = [304]

    def __init__(self, seedfile: SeedFile, urls: Iterable[str] | None = None,
                 plan: CrawlPlan | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.seedfile = seedfile
        self.seeds = {seed.position: seed for seed in seedfile.seeds}
        # When given, only these seed URLs are fetched this run (the rest are not due).
        self.only = set(urls) if urls is not None else None
        # What is due this run and which links to follow (archive.schedule.plan); None: everything.
        self.plan = plan

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> "SnapshotSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_dropped, scrapy.signals.request_dropped)
        # Scrapy makes the spider before any extension, so the two it works with are looked up
        # once the crawl opens (find_components).
        crawler.signals.connect(spider.find_components, scrapy.signals.spider_opened)
        return spider

    def find_components(self, spider: scrapy.Spider) -> None:
        """Take the WARC capture (its archiver's index answers what a text is) and the
        extraction pool; without either, close the crawl before anything is fetched."""
        capture = self.crawler.get_extension(WarcCaptureExtension)
        extractor = self.crawler.get_extension(ExtractionPool)
        if capture is None or extractor is None:
            missing = [cls.__name__ for cls, found in ((WarcCaptureExtension, capture),
                                                       (ExtractionPool, extractor))
                       if found is None]
            logger.error("the snapshot spider cannot crawl without %s (see EXTENSIONS in "
                         "crawler/settings.py)", " and ".join(missing))
            raise CloseSpider(MISSING_COMPONENT)
        self.capture, self.extractor = capture, extractor
        # Optional: off (PALIMPSEST_REQUISITES_ENABLED), pages are archived without them.
        self.requisites = self.crawler.get_extension(RequisiteCapture)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.plan is not None:
            for seed, _ in self.plan.seeds:
                yield self._seed_request(seed)
            for visit in self.plan.visits:
                hop = 0 if visit.role == "article" else 1
                yield self._request(visit.url, self.parse_page, visit.seed, role=visit.role,
                                    hop=hop)
            return
        for seed in self.seedfile.seeds:
            if self.only is None or seed.url in self.only:
                yield self._seed_request(seed)

    # -- requests -----------------------------------------------------------------------------

    def _seed_request(self, seed: Seed) -> scrapy.Request:
        callbacks = {"page": self.parse_page, "listing": self.parse_listing,
                     "feed": self.parse_feed, "sitemap": self.parse_sitemap}
        role = "article" if seed.type == "page" else seed.type
        self.crawler.stats.inc_value("palimpsest/seeds")
        return self._request(seed.url, callbacks[seed.type], seed, role=role, hop=0,
                             is_seed=True)

    def _request(self, url: str, callback: Callable[..., Any], seed: Seed,
                 **info: Any) -> scrapy.Request:
        meta: dict[str, Any] = {META: {"seed": seed.position, **info}}
        if seed.policy.robots == "ignore":
            meta["dont_obey_robotstxt"] = True
        headers = self.plan.conditional_headers(url) if self.plan is not None else {}
        if headers:
            self.crawler.stats.inc_value("palimpsest/conditional")
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta,
                              headers=headers)

    def _follow(self, urls: Iterable[str], callback: Callable[..., Any], seed: Seed, *,
                lastmods: dict[str, str] | None = None, force: bool = False,
                **info: Any) -> Iterator[scrapy.Request]:
        for url in urls:
            try:
                url = canonical_url(url)
            except UnsafeURLError as exc:
                kind = "scheme" if "scheme" in str(exc) else "url"
                self.crawler.stats.inc_value("palimpsest/refused")
                self.crawler.stats.inc_value(f"palimpsest/refused/{kind}")
                logger.info("not following %s: %s", url[:300], exc)
                continue
            if self.plan is not None and not self.plan.follow(
                    url, info.get("role", "article"), (lastmods or {}).get(url), force):
                self.crawler.stats.inc_value("palimpsest/not_due")
                continue
            yield self._request(url, callback, seed, **info)

    # -- callbacks ----------------------------------------------------------------------------

    async def parse_page(self, response: Response) -> AsyncIterator[PageItem | scrapy.Request]:
        info, seed, capture = self._context(response)
        if capture is None:
            return
        if capture.is_revisit:
            # Same payload as an earlier capture: its extraction, and so its links, stand.
            extraction = None
            links = self._archiver.index.cited_links(capture.refers_to.record_id) \
                if capture.refers_to else []
        elif capture.truncated:
            # Part of a page must never hash as a version (it would read as a deletion).
            self.crawler.stats.inc_value("palimpsest/truncated")
            extraction = describe_page(failed_extraction(
                f"response truncated (WARC-Truncated: {capture.truncated}); not extracted"),
                seed.policy.ignore)
            links = []
        else:
            extraction = await self.extractor.extract(response.body, response.url,
                                                      _content_type(response),
                                                      seed.policy.ignore,
                                                      _header(response, b"Content-Language"),
                                                      requisites=self.requisites is not None)
            links = list(extraction.extraction.links)
        # Decided before the item goes to the pipeline, which indexes this capture's text.
        changed = extraction is not None and extraction.text_hash is not None and \
            self._archiver.text_outcome(response.url, extraction.text_hash) != UNCHANGED
        requisites = await self._requisites(response, capture, seed,
                                            extraction.requisites if extraction else None)
        yield PageItem(
            url=response.url, role=info["role"], capture=capture, extraction=extraction,
            ignore=seed.policy.ignore, links=links, cited_by=info.get("cited_by", []),
            seed=seed.url or None, requisites=requisites,
        )
        if info["hop"] < seed.policy.sources:
            sources = [link for link in links
                       if _followable_source(link, response.url, seed.policy)]
            cited_by = [{"url": response.url, "record_id": capture.record_id}]
            # A text we had not just seen cites its sources now: capture them with it.
            for request in self._follow(sources, self.parse_page, seed, role="source",
                                        hop=info["hop"] + 1, cited_by=cited_by,
                                        force=changed):
                yield request

    async def parse_listing(
        self, response: Response
    ) -> AsyncIterator[DiscoveryItem | scrapy.Request]:
        info, seed, capture = self._context(response)
        if capture is None or capture.kind == "not-modified":
            return  # unchanged since the last fetch: nothing new to discover
        if len(response.body) > MAX_EXTRACT_BYTES:
            yield self._unreadable(response, capture, "listing", ValueError(
                f"listing page of {len(response.body)} bytes is over {MAX_EXTRACT_BYTES}"))
            return
        too_many = too_many_links(response.body)
        if too_many is not None:
            yield self._unreadable(response, capture, "listing", ValueError(too_many))
            return
        try:  # parsed in an extraction worker, under the per-page budget (README: Safety)
            links = await self.extractor.call(listing_links_of_body, response.body,
                                              _content_type(response), response.url) \
                if _is_html(response) else []
        except PageTimeout as exc:
            yield self._unreadable(response, capture, "listing", ValueError(f"timeout: {exc}"))
            return
        links = _matching(links, seed.articles)
        yield DiscoveryItem(response.url, "listing", capture, links, seed=seed.url)
        for request in self._follow(links, self.parse_page, seed, role="article", hop=0):
            yield request

    def parse_feed(self, response: Response) -> Iterator[DiscoveryItem | scrapy.Request]:
        info, seed, capture = self._context(response)
        if capture is None or capture.kind == "not-modified":
            return
        try:
            entries = parse_feed(response.body, response.url)
        except ValueError as exc:
            yield self._unreadable(response, capture, "feed", exc)
            return
        self._check_not_emptied(response, seed, len(entries))
        links = _matching([entry.url for entry in entries], seed.articles)
        lastmods = _lastmods(entries, links)
        yield DiscoveryItem(response.url, "feed", capture, links, seed=seed.url,
                            lastmods=lastmods)
        yield from self._follow(links, self.parse_page, seed, role="article", hop=0,
                                lastmods=lastmods)

    def parse_sitemap(self, response: Response) -> Iterator[DiscoveryItem | scrapy.Request]:
        info, seed, capture = self._context(response)
        if capture is None or capture.kind == "not-modified":
            return
        try:
            sitemap = parse_sitemap(response.body, response.url)
        except ValueError as exc:
            yield self._unreadable(response, capture, "sitemap", exc)
            return
        self._check_not_emptied(response, seed, len(sitemap.entries))
        if sitemap.capped:  # read no further than the sitemap protocol's own limit
            logger.warning("sitemap %s lists more than %d URLs; the rest were not read",
                           response.url, len(sitemap.entries))
            self.crawler.stats.inc_value("palimpsest/capped_sitemaps")
            self._note_seed_cap(response.meta, f"sitemap-entries-{len(sitemap.entries)}")
        links = [entry.url for entry in sitemap.entries]
        if sitemap.kind == "sitemapindex":
            yield DiscoveryItem(response.url, "sitemap", capture, links, seed=seed.url)
            depth = info.get("depth", 0) + 1
            if depth <= MAX_SITEMAP_DEPTH:  # the index is due: so are the sitemaps it lists
                yield from self._follow(links, self.parse_sitemap, seed, role="sitemap", hop=0,
                                        depth=depth, force=True)
            return
        links = _matching(links, seed.articles)
        lastmods = _lastmods(sitemap.entries, links)
        yield DiscoveryItem(response.url, "sitemap", capture, links, seed=seed.url,
                            lastmods=lastmods)
        yield from self._follow(links, self.parse_page, seed, role="article", hop=0,
                                lastmods=lastmods)

    def on_error(self, failure: Failure) -> None:
        """Every request that yields no page ends here, refused or failed, counted by reason."""
        # Scrapy sets `request` on the Failure it hands an errback; Twisted's class lacks it.
        request = failure.request  # type: ignore[attr-defined]
        message = failure.getErrorMessage()
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            failed = ignored_reason(message)
            if failed is not None:
                self._count_failure(request, failed, message)
                return
            kind = request.meta.get(REFUSED_META)
            if kind is None:  # not one of ours (ours are counted and logged where decided)
                kind = "robots" if "robots.txt" in message else "other"
                self.crawler.stats.inc_value(f"palimpsest/refused/{kind}")
                logger.info("not fetched %s: %s", request.url, message)
            self.crawler.stats.inc_value("palimpsest/refused")
            self._mark_seed(request.meta, REFUSED, kind)
            return
        error = failure.value
        if isinstance(error, HttpError):
            self._count_failure(request, f"http-{error.response.status}",
                                f"HTTP {error.response.status}")
        else:
            reason = exception_reason(error) if error is not None else "unknown"
            self._count_failure(request, reason, message)

    def on_dropped(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """A redirect to a URL already requested is dropped by the duplicate filter with no
        errback. A loop (the URL is in its own redirect chain) fails the page it started from,
        so every scheduled request still ends fetched, refused or failed."""
        chain = request.meta.get("redirect_urls")
        if spider is not self or not chain or META not in request.meta:
            return
        if request.url in chain:
            self._count_failure(request, "redirect-loop", f"redirect loop via {chain[-1]}")
        else:  # the target has its own request, which ends in its own state
            self.crawler.stats.inc_value("palimpsest/redirects_to_known_urls")
            logger.info("%s redirects to %s, already requested", chain[0], request.url)

    def _count_failure(self, request: scrapy.Request, reason: str, message: str) -> None:
        self.crawler.stats.inc_value("palimpsest/failed")
        self.crawler.stats.inc_value(f"palimpsest/failed/{reason}")
        if request.meta.get(META, {}).get("is_seed"):
            self.crawler.stats.inc_value("palimpsest/failed_seeds")
        self._mark_seed(request.meta, FAILED, reason)
        logger.warning("failed %s (%s): %s", request.url, reason, message)

    def _check_not_emptied(self, response: Response, seed: Seed, entries: int) -> None:
        """A feed or sitemap seed that lists nothing, when earlier runs found articles through
        it, has most likely moved or broken: its seed is unreadable (a problem line)."""
        if entries or self.plan is None or not response.meta.get(META, {}).get("is_seed"):
            return
        known = sum(1 for page in self.plan.known.values()
                    if page.seed == seed.url and page.history.role == "article")
        if known >= EMPTIED_AFTER:
            logger.warning("%s %s lists nothing, though %d articles were found through it "
                           "before", seed.type, response.url, known)
            self._mark_seed(response.meta, UNREADABLE, f"empty-after-{known}", replace=True)

    def _note_seed_cap(self, meta: dict[str, Any], cap: str) -> None:
        """Record that a seed's page was read only up to a cap (archive.schedule.outcomes)."""
        info = meta.get(META) or {}
        if info.get("is_seed"):
            self.crawler.stats.set_value(f"{CAP_STAT_PREFIX}{info['seed']}", cap)

    def _mark_seed(self, meta: dict[str, Any], outcome: str, reason: str | None = None, *,
                   replace: bool = False) -> None:
        """Record how a seed's own request ended (archive.schedule.outcomes reads it); the
        first end counts, unless a fetched feed or sitemap then turns out unreadable."""
        info = meta.get(META) or {}
        if not info.get("is_seed"):
            return
        key = f"{STAT_PREFIX}{info['seed']}"
        if replace or self.crawler.stats.get_value(key) is None:
            self.crawler.stats.set_value(key, seed_mark(outcome, reason))

    # -- helpers ------------------------------------------------------------------------------

    @property
    def _archiver(self) -> Archiver:
        return self.capture.archiver

    def _context(self, response: Response) -> tuple[dict[str, Any], Seed, CaptureResult | None]:
        info = response.meta[META]
        seed = self.seeds[info["seed"]]
        capture = response.meta.get(CAPTURE_META)
        if capture is None or capture.url != response.url:
            if self.capture.stopped:
                return info, seed, None  # the archive failed: the crawl is stopping already
            refused = response.meta.get(RECORD_REFUSED_META)
            if refused and response.request is not None:  # over a limit verify enforces:
                # a failed page, not an error
                self._count_failure(response.request, refused, "not archived (see above)")
                return info, seed, None
            logger.error("no archived capture for %s; not processed", response.url)
            return info, seed, None
        self.crawler.stats.inc_value("palimpsest/fetched")
        self._mark_seed(response.meta, FETCHED)
        return info, seed, capture

    def _unreadable(self, response: Response, capture: CaptureResult, role: str,
                    exc: Exception) -> DiscoveryItem:
        self.crawler.stats.inc_value("palimpsest/failed")
        logger.warning("could not read %s %s: %s", role, response.url, exc)
        self._mark_seed(response.meta, UNREADABLE, "parse", replace=True)
        return DiscoveryItem(response.url, role, capture, [], error=str(exc))

    async def _requisites(self, response: Response, capture: CaptureResult, seed: Seed,
                          found: tuple[Requisite, ...] | None = None) -> dict[str, Any]:
        """What a page whose payload is new needs to render, fetched or reused now, so its
        pageinfo can list them (crawler/requisites/capture.py); `found`: the list the
        extraction made from its own parse of the page, if it made one."""
        if self.requisites is None or capture.kind != "response" or capture.truncated \
                or not _is_html(response) or not 200 <= response.status < 300:
            return {}
        return await self.requisites.capture_page(response, _content_type(response),
                                                  seed.policy.robots == "ignore", found)


def _is_html(response: Response) -> bool:
    return isinstance(response, TextResponse) and any(
        kind in (_content_type(response) or "text/html") for kind in _HTML_TYPES)


def _content_type(response: Response) -> str | None:
    return _header(response, b"Content-Type")


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _lastmods(entries: Iterable[Entry], links: list[str]) -> dict[str, str]:
    """The publisher's date of each followed entry, by canonical URL."""
    wanted = set(links)
    dates = {}
    for entry in entries:
        if entry.updated and entry.url in wanted:
            try:
                dates[canonical_url(entry.url)] = entry.updated
            except UnsafeURLError:
                continue
    return dates


def _matching(links: list[str], pattern: str | None) -> list[str]:
    if not pattern:
        return links
    regex = re.compile(pattern)
    return [link for link in links if regex.search(link)]


def _followable_source(link: str, page_url: str, policy: SeedPolicy) -> bool:
    return link != page_url and policy.allows_source_host(host_of(link))
