"""Run this process as one worker of a shared crawl cycle (the coordinator is a worker too).

`palimpsest crawl SEEDS --redis URL` calls this with coordinator=True: it opens a cycle, plans
it from the index, enqueues what is due, works, and closes the cycle once it is complete.
`palimpsest worker SEEDS --redis URL` joins the open cycle (waiting for one) and works.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, Callable

from scrapy.settings import Settings

from archive.frontier import Frontier, connect
from archive.frontier.state import DEFAULT_LEASE_SECONDS, DEFAULT_PREFIX, reply_text
from archive.schedule.seeds import SeedFile
from archive.timeutil import to_iso, utcnow
from archive.verify.reindex import catch_up
from crawler.frontier.spider import SharedSnapshotSpider
from crawler.run import (
    CrawlReport,
    crawl_settings,
    create_crawler,
    plan_problems,
    plan_run,
    summarize,
)

logger = logging.getLogger(__name__)

NO_CYCLE = "no_cycle"  # a worker that found no open cycle to join in time

# What a shared crawl changes in the project's settings (priority: cmdline).
_COMPONENTS = {
    "SCHEDULER": "crawler.frontier.scheduler.LeasedScheduler",
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "SCHEDULER_QUEUE_CLASS": "crawler.frontier.scheduler.LeasedPriorityQueue",
    # Never pickle: requests travel as checked JSON (archive/frontier/wire.py).
    "SCHEDULER_SERIALIZER": "archive.frontier.wire",
}


def shared_settings(settings: Settings, frontier: Frontier, redis_url: str, name: str) -> None:
    """Point Scrapy at scrapy-redis with this cycle's keys, and add the shared components."""
    for key, value in _COMPONENTS.items():
        settings.set(key, value, priority="cmdline")
    settings.set("REDIS_URL", redis_url, priority="cmdline")
    settings.set("SCHEDULER_QUEUE_KEY", frontier.keys.queue, priority="cmdline")
    settings.set("SCHEDULER_DUPEFILTER_KEY", frontier.keys.in_cycle(frontier.joined, "seen"),
                 priority="cmdline")
    settings.set("PALIMPSEST_WARC_SUFFIX", name, priority="cmdline")
    extensions = settings.getdict("EXTENSIONS")
    extensions["crawler.frontier.extension.FrontierExtension"] = 30
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    downloader = settings.getdict("DOWNLOADER_MIDDLEWARES")
    downloader["crawler.frontier.middlewares.GlobalHostLimit"] = 960
    settings.set("DOWNLOADER_MIDDLEWARES", downloader, priority="cmdline")
    spider_mw = settings.getdict("SPIDER_MIDDLEWARES")
    spider_mw["crawler.frontier.middlewares.FinishedRequests"] = 1000
    settings.set("SPIDER_MIDDLEWARES", spider_mw, priority="cmdline")


def run_shared_crawl(seedfile: SeedFile, data_dir: str | Path, *, redis_url: str, name: str,
                     coordinator: bool, allow_private: bool = False, everything: bool = False,
                     overrides: dict[str, Any] | None = None, wait: float = 60.0,
                     progress: Callable[[dict[str, Any]], None] | None = None) -> CrawlReport:
    """One cycle of a shared crawl in this process; the caller holds this worker's lock."""
    data_dir = Path(data_dir)
    started = time.monotonic()
    settings = crawl_settings(seedfile, data_dir, allow_private=allow_private,
                              overrides=overrides)
    frontier = Frontier(connect(redis_url), seedfile.collection,
                        prefix=settings.get("PALIMPSEST_REDIS_PREFIX") or DEFAULT_PREFIX,
                        worker=name,
                        lease_seconds=settings.getfloat("PALIMPSEST_LEASE_SECONDS",
                                                        DEFAULT_LEASE_SECONDS))
    index = settings.get("PALIMPSEST_INDEX") or None
    frontier.register()
    try:
        # This worker's own files only: the others may be writing theirs right now.
        catch_up(data_dir, url=index, worker=name)
        if coordinator:
            now = settings.get("PALIMPSEST_NOW") or to_iso(utcnow())
            frontier.open_cycle(now, everything)
        else:
            cycle = _wait_for_cycle(frontier, wait)
            if cycle is None:
                frontier.leave()
                return CrawlReport(_summary(seedfile, {"finish_reason": NO_CYCLE}, settings,
                                            frontier, started))
            frontier.join(cycle)
            now, everything = cycle["now"], cycle.get("everything") == "1"
        # Every worker plans as the coordinator did (same time, same index): the same links
        # are followed whoever reads the page. Only the coordinator enqueues the plan.
        settings.set("PALIMPSEST_NOW", now, priority="cmdline")
        shared_settings(settings, frontier, redis_url, name)
        plan = plan_run(seedfile, data_dir, settings, everything)
        frontier.beat("crawling")
        settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
        process, crawler = create_crawler(settings, SharedSnapshotSpider, progress)
        # The frontier goes to the spider, from which the shared components take it
        # (crawler/frontier/spider.py says why).
        process.crawl(crawler, seedfile=seedfile, plan=plan, coordinator=coordinator,
                      frontier=frontier)
        process.start()
        stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
        summary = _summary(seedfile, stats, settings, frontier, started)
        summary["problems"] += plan_problems(plan)
        if coordinator:
            summary.update(plan.counts())
            if frontier.complete():
                frontier.close_cycle(frontier.joined)
            else:
                summary["problems"].append(f"cycle {frontier.cycle} left incomplete")
        return CrawlReport(summary, stats)
    except BaseException:
        frontier.leave()
        raise


def _wait_for_cycle(frontier: Frontier, wait: float) -> dict[str, str] | None:
    deadline = time.monotonic() + wait
    while True:
        cycle = frontier.current()
        if cycle and cycle.get("state") == "open":
            return cycle
        if time.monotonic() >= deadline:
            return None
        frontier.beat("waiting")
        time.sleep(0.2)


def _summary(seedfile: SeedFile, stats: dict[str, Any], settings: Settings, frontier: Frontier,
             started: float) -> dict[str, Any]:
    if stats.get("finish_reason") == NO_CYCLE:
        summary = summarize({"finish_reason": "finished"}, 1.0)
        summary["finish_reason"] = NO_CYCLE
    else:
        summary = summarize(stats, settings.getfloat("PALIMPSEST_FAIL_RATIO"))
    summary["collection"] = seedfile.collection
    summary["worker"] = frontier.worker
    summary["cycle"] = frontier.cycle
    if frontier.cycle:
        counts = frontier.redis.hgetall(frontier.keys.in_cycle(frontier.cycle, "fetched"))
        summary["cycle_fetched"] = {reply_text(k): int(v)
                                    for k, v in sorted(counts.items())}
    # Entries in the shared queue that were not requests of ours: the whole cycle's count
    # (Redis) where there is a cycle, else what this worker dropped itself (its stats).
    rejected = frontier.rejected() if frontier.cycle else {}
    summary["rejected_entries"] = rejected or {
        key.rsplit("/", 1)[1]: int(value) for key, value in stats.items()
        if key.startswith("palimpsest/frontier/rejected/")}
    if summary["rejected_entries"]:
        total = sum(summary["rejected_entries"].values())
        kinds = ", ".join(f"{reason} {count}" for reason, count in
                          sorted(summary["rejected_entries"].items()))
        summary["problems"].append(
            f"{total} entries in the shared queue were not requests of ours ({kinds}) and were "
            "dropped unread: something else writes to this crawl's Redis keys (README: "
            "Scaling out, locking Redis down)")
    summary["dropped_old_entries"] = frontier.dropped_old_entries
    summary["seconds"] = round(time.monotonic() - started, 2)
    return summary
