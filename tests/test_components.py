"""How the crawl's Scrapy components find each other: through Scrapy, never by chance.

Each component names what it needs in `from_crawler` (or, for what Scrapy builds later, when
the spider opens) and refuses to start without it, saying what is missing.
"""

from __future__ import annotations

import json

import pytest
from crawling import crawl, write_seeds
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_crawler

from archive.schedule.seeds import parse_seeds
from crawler.extensions.extraction import ExtractionPool
from crawler.extensions.warc import WarcCaptureExtension
from crawler.pipelines.versions import VersionPipeline
from crawler.spiders.snapshot import MISSING_COMPONENT, SnapshotSpider

WARC_CAPTURE = "crawler.extensions.warc.WarcCaptureExtension"
EXTRACTION_POOL = "crawler.extensions.extraction.ExtractionPool"


def crawler_with(tmp_path, extensions: dict[str, int]):
    return get_crawler(SnapshotSpider, {
        "EXTENSIONS": extensions, "PALIMPSEST_DATA": str(tmp_path),
        "PALIMPSEST_COLLECTION": "test", "PALIMPSEST_EXTRACT_PROCESSES": 0})


def test_the_version_pipeline_refuses_to_start_without_the_warc_capture(tmp_path):
    crawler = crawler_with(tmp_path, {})
    with pytest.raises(NotConfigured, match="WarcCaptureExtension is not enabled"):
        build_from_crawler(VersionPipeline, crawler)


def test_the_version_pipeline_writes_through_the_warc_captures_archiver(tmp_path):
    crawler = crawler_with(tmp_path, {WARC_CAPTURE: 0})
    capture = crawler.get_extension(WarcCaptureExtension)
    try:
        pipeline = build_from_crawler(VersionPipeline, crawler)
        assert pipeline.archiver is capture.archiver
        assert not capture.stopped
    finally:
        capture.archiver.close()


def test_the_spider_closes_at_once_without_the_extraction_pool(tmp_path, caplog):
    crawler = crawler_with(tmp_path, {WARC_CAPTURE: 0})
    spider = SnapshotSpider.from_crawler(crawler, seedfile=parse_seeds(
        {"seed": [{"url": "http://127.0.0.1:9/a"}]}, tmp_path / "s.toml"))
    try:
        with pytest.raises(CloseSpider) as closed:
            spider.find_components(spider)
        assert closed.value.reason == MISSING_COMPONENT
        assert "the snapshot spider cannot crawl without ExtractionPool (" in caplog.text
    finally:
        crawler.get_extension(WarcCaptureExtension).archiver.close()


def test_the_spider_finds_both_of_its_components(tmp_path):
    crawler = crawler_with(tmp_path, {WARC_CAPTURE: 0, EXTRACTION_POOL: 10})
    spider = SnapshotSpider.from_crawler(crawler, seedfile=parse_seeds(
        {"seed": [{"url": "http://127.0.0.1:9/a"}]}, tmp_path / "s.toml"))
    try:
        spider.find_components(spider)
        assert spider.extractor is crawler.get_extension(ExtractionPool)
        assert spider._archiver is crawler.get_extension(WarcCaptureExtension).archiver
    finally:
        crawler.get_extension(WarcCaptureExtension).archiver.close()


def test_a_crawl_missing_a_component_stops_before_fetching_and_says_why(tmp_path, mocksite):
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/articles/flood-count", "page")])
    # EXTENSIONS given on the command line replaces the project's: the WARC capture only.
    summary = crawl(seeds, tmp_path / "data", "-s", "EXTENSIONS=" + json.dumps({WARC_CAPTURE: 0}),
                    check=False)
    assert summary["finish_reason"] == MISSING_COMPONENT
    assert summary["problems"] == [f"crawl ended early: {MISSING_COMPONENT}"]
    assert mocksite.a.sent == []  # not even robots.txt
    [log] = (tmp_path / "data" / "logs").glob("crawl-*.log")
    assert "the snapshot spider cannot crawl without ExtractionPool" in log.read_text("utf-8")


def test_progress_goes_to_whoever_connects_to_the_reporters_signal(tmp_path):
    from scrapy.settings import Settings

    from crawler.extensions.progress import ProgressReporter, progress_counted, show_progress

    settings = Settings({"EXTENSIONS": {}})
    show_progress(settings)  # what the runner does when a bar is shown
    crawler = get_crawler(SnapshotSpider, {"EXTENSIONS": settings.getdict("EXTENSIONS")})
    reporter = crawler.get_extension(ProgressReporter)
    received = []
    crawler.signals.connect(lambda counts: received.append(counts), signal=progress_counted,
                            weak=False)
    reporter.request_scheduled(None, None)
    crawler.stats.set_value("palimpsest/new_versions", 1)
    reporter.report(final=True)
    assert received == [{"total": 1, "done": 1, "final": True, "fetched": 0,
                         "new_versions": 1, "failed": 0}]
    # Without a display the reporter is not part of the crawl at all.
    assert get_crawler(SnapshotSpider, {"EXTENSIONS": {}}).get_extension(ProgressReporter) \
        is None


# -- a shared crawl's components take the frontier the runner handed the spider ---------------

def shared_crawler(tmp_path, spider_class=None):
    """A crawler whose spider is a shared-crawl worker holding a frontier (never connected),
    as Crawler.crawl makes it: the spider first, the components after."""
    import redis

    from archive.frontier import Frontier
    from crawler.frontier.spider import SharedSnapshotSpider

    crawler = get_crawler(spider_class or SharedSnapshotSpider, {"EXTENSIONS": {}})
    seedfile = parse_seeds({"seed": [{"url": "http://127.0.0.1:9/a"}]}, tmp_path / "s.toml")
    if spider_class is SnapshotSpider:
        crawler.spider = SnapshotSpider.from_crawler(crawler, seedfile=seedfile)
        return crawler, None
    frontier = Frontier(redis.Redis(host="127.0.0.1", port=1), "test", worker="wa")
    crawler.spider = SharedSnapshotSpider.from_crawler(crawler, seedfile=seedfile,
                                                       frontier=frontier)
    return crawler, frontier


@pytest.mark.parametrize("component", [
    "crawler.frontier.extension.FrontierExtension",
    "crawler.frontier.middlewares.GlobalHostLimit",
    "crawler.frontier.middlewares.FinishedRequests",
    "crawler.frontier.scheduler.LeasedScheduler",
])
def test_a_shared_crawl_component_refuses_a_crawl_that_is_not_shared(tmp_path, component):
    crawler, _ = shared_crawler(tmp_path, SnapshotSpider)
    with pytest.raises(NotConfigured, match="shared crawl"):
        build_from_crawler(load_object(component), crawler)


def test_the_shared_crawl_components_take_the_spiders_frontier(tmp_path):
    from crawler.frontier.extension import FrontierExtension
    from crawler.frontier.middlewares import FinishedRequests, GlobalHostLimit
    from crawler.frontier.spider import shared_frontier

    crawler, frontier = shared_crawler(tmp_path)
    assert shared_frontier(crawler) is frontier
    assert build_from_crawler(FrontierExtension, crawler).frontier is frontier
    assert build_from_crawler(GlobalHostLimit, crawler).frontier is frontier
    assert isinstance(build_from_crawler(FinishedRequests, crawler), FinishedRequests)


def test_a_shared_crawl_without_the_leasing_scheduler_closes_as_it_opens(tmp_path):
    from crawler.frontier.extension import FrontierExtension

    crawler, _ = shared_crawler(tmp_path)
    extension = build_from_crawler(FrontierExtension, crawler)
    crawler.engine = crawler._create_engine()  # its scheduler: none that leases
    with pytest.raises(CloseSpider) as closed:
        extension.spider_opened(crawler.spider)
    assert closed.value.reason == MISSING_COMPONENT
    assert not extension.looping.running  # no heartbeat for a crawl that never ran


def test_a_leased_request_is_reported_finished_once_its_pages_output_is_consumed(tmp_path):
    from scrapy import Request
    from scrapy.http import HtmlResponse

    from crawler.frontier.middlewares import FinishedRequests
    from crawler.frontier.spider import request_finished

    crawler, _ = shared_crawler(tmp_path)
    finished = []
    crawler.signals.connect(lambda request: finished.append(request.url),
                            signal=request_finished, weak=False)
    middleware = build_from_crawler(FinishedRequests, crawler)
    response = HtmlResponse("http://127.0.0.1:9/a", request=Request("http://127.0.0.1:9/a"))
    output = middleware.process_spider_output(response, iter(["link one", "link two"]))
    assert next(output) == "link one" and finished == []  # not while links are still coming
    assert list(output) == ["link two"] and finished == ["http://127.0.0.1:9/a"]
