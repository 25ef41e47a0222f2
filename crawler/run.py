"""Launch one crawl of a seed file in this process and report what happened.

The CLI imports this lazily, so commands that do not crawl never import Scrapy. Twisted's reactor
starts once per process: one call to `run_crawl` per process.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from scrapy import Spider
from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.settings import Settings

from archive import __version__
from archive.exceptions import ConfigError
from archive.net.policy import parse_networks
from archive.replay.cdxj import update_cdxj
from archive.schedule.outcomes import (
    discovery_problems,
    outcome_counts,
    outcome_problems,
    record_seed_problems,
    seed_outcomes,
)
from archive.schedule.plan import CrawlPlan, plan_from_index
from archive.schedule.seeds import SeedFile
from archive.store.layout import DataLayout
from archive.timeutil import parse_when, to_iso, utcnow
from archive.verify.consistency import bring_in_line
from archive.warc.writer import check_name_part
from crawler.extensions.progress import progress_counted, show_progress
from crawler.logfilters import count_download_failures_once
from crawler.requisites.budget import requisite_summary
from crawler.spiders.snapshot import SnapshotSpider

logger = logging.getLogger(__name__)

NOTHING_DUE = "nothing_due"  # our finish reason when no request was due: Scrapy never starts

_SUMMARY_STATS = {
    "fetched": "palimpsest/fetched",
    "new_versions": "palimpsest/new_versions",
    "returned": "palimpsest/returned",
    "unchanged": "palimpsest/unchanged",
    "failed": "palimpsest/failed",
    "extraction_failed": "palimpsest/extraction_failed",
    "not_article": "palimpsest/not_article",
    "refused": "palimpsest/refused",
    "truncated": "palimpsest/truncated",
    "seeds": "palimpsest/seeds",
    "failed_seeds": "palimpsest/failed_seeds",
}


@dataclass
class CrawlReport:
    """The outcome of one crawl: the summary users see and the exit code cron sees."""

    summary: dict[str, Any]
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.summary.get("problems"))


def crawl_settings(seedfile: SeedFile, data_dir: Path, *, allow_private: bool = False,
                   overrides: dict[str, Any] | None = None) -> Settings:
    """The project settings, plus this run's data folder, collection and options."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if os.environ.get("PALIMPSEST_SCREENSHOTS"):  # like PALIMPSEST_INDEX: -s still wins
        settings.set("PALIMPSEST_SCREENSHOTS", os.environ["PALIMPSEST_SCREENSHOTS"],
                     priority="project")
    settings.set("PALIMPSEST_DATA", str(data_dir), priority="cmdline")
    settings.set("PALIMPSEST_COLLECTION", seedfile.collection, priority="cmdline")
    if allow_private:
        settings.set("PALIMPSEST_ALLOW_PRIVATE", True, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    check_safety_settings(settings)
    contact = settings.get("PALIMPSEST_CONTACT_URL")
    if contact and (settings.getpriority("USER_AGENT") or 0) <= (settings.getpriority(
            "PALIMPSEST_CONTACT_URL") or 0):
        settings.set("USER_AGENT", f"Palimpsest/{__version__} (news archive; +{contact})",
                     priority="cmdline")
    return settings


def check_safety_settings(settings: Settings) -> None:
    """Refuse settings that would write outside the data folder or break the address rule,
    before anything starts (ConfigError: exit code 2)."""
    if settings.get("PALIMPSEST_WARC_SUFFIX"):
        check_name_part(str(settings.get("PALIMPSEST_WARC_SUFFIX")))
    try:
        parse_networks(settings.get("PALIMPSEST_ALLOWED_NETWORKS") or ())
    except ValueError as exc:
        raise ConfigError(f"PALIMPSEST_ALLOWED_NETWORKS: {exc}") from None


def run_crawl(seedfile: SeedFile, data_dir: str | Path, *, allow_private: bool = False,
              urls: Iterable[str] | None = None,
              overrides: dict[str, Any] | None = None, everything: bool = False,
              progress: Callable[[dict[str, Any]], None] | None = None) -> CrawlReport:
    """Crawl what is due in `seedfile` (everything with `everything`) into `data_dir`.

    The caller holds the data lock. `progress`, if given, is called with live counts.
    """
    data_dir = Path(data_dir)
    started = time.monotonic()
    run_started = to_iso(utcnow())
    # A crashed run's .open files are closed, the index brought in line with the files, and
    # anything written but not indexed is indexed first (archive.verify.consistency).
    bring_in_line(data_dir, url=(overrides or {}).get("PALIMPSEST_INDEX") or None)
    settings = crawl_settings(seedfile, data_dir, allow_private=allow_private,
                              overrides=overrides)
    plan = plan_run(seedfile, data_dir, settings, everything) if urls is None else None
    if plan is not None and plan.empty:
        logger.info("nothing is due in %s", seedfile.path)
        stats: dict[str, Any] = {"finish_reason": NOTHING_DUE}
    else:
        settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")  # the CLI logs
        queue = _queue_on_disk(settings, DataLayout(data_dir))
        try:
            process, crawler = create_crawler(settings, SnapshotSpider, progress)
            process.crawl(crawler, seedfile=seedfile, urls=urls, plan=plan)
            process.start()
        finally:
            if queue is not None:
                shutil.rmtree(queue, ignore_errors=True)
        stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    summary = summarize(stats, settings.getfloat("PALIMPSEST_FAIL_RATIO"))
    if plan is not None:
        summary.update(plan.counts())
        summary["problems"] += plan_problems(plan)
    record_seed_problems(DataLayout(data_dir).collections_dir / seedfile.collection,
                         account_for_seeds(summary, seedfile, stats, plan, urls), run_started)
    # pywb replays from the CDXJ: merge this run's captures into it (never a full rescan).
    summary["problems"] += update_cdxj(data_dir, seedfile.collection).problems
    summary["screenshots"] = run_screenshots(data_dir, settings, run_started)
    summary["problems"] += summary["screenshots"].pop("problems", [])
    summary["collection"] = seedfile.collection
    summary["seconds"] = round(time.monotonic() - started, 2)
    return CrawlReport(summary, stats)


def run_screenshots(data_dir: Path, settings: Settings, since: str) -> dict[str, Any]:
    """Screenshots of the versions this run found, once its fetching is over (README:
    Screenshots). "auto" makes them when Chromium is installed; the line says which."""
    wanted = settings.get("PALIMPSEST_SCREENSHOTS")
    if str(wanted).lower() in ("false", "0", "off", "no"):
        return {"enabled": False, "line": "screenshots: off (PALIMPSEST_SCREENSHOTS is off)"}
    from archive.screenshot.run import take_screenshots  # Playwright only when it is used

    run = take_screenshots(data_dir, since=since,
                           budget_seconds=settings.getfloat("PALIMPSEST_SCREENSHOTS_BUDGET"),
                           index_url=settings.get("PALIMPSEST_INDEX") or None)
    logger.info("%s", run.line)
    return {**run.to_json(), "line": run.line, "problems": run.problems}
def create_crawler(settings: Settings, spidercls: type[Spider],
                   progress: Callable[[dict[str, Any]], None] | None
                   ) -> tuple[AsyncCrawlerProcess, Crawler]:
    """The process and the crawler of one run; with `progress`, live counts go to it.

    `progress` is the CLI's display: it is connected to the reporter's `progress_counted`
    signal (crawler/extensions/progress.py says why a signal), and the reporter is enabled
    only then.
    """
    if progress is not None:
        show_progress(settings)
    count_download_failures_once()
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(spidercls)
    if progress is not None:
        # Held strongly: the dispatcher's default weak reference would drop a lambda at once.
        crawler.signals.connect(progress, signal=progress_counted, weak=False)
    return process, crawler


def _queue_on_disk(settings: Settings, layout: DataLayout) -> Path | None:
    """Keep the requests waiting to be sent on disk, in the data folder, for this run only.

    A sitemap or a big revisit plan puts thousands of requests in the queue at once; held in
    memory they added 18 MiB to the peak of a 20,000-page crawl (166 against 148 MiB, measured
    with bench/throughput.py). Scrapy's disk queues need a JOBDIR: a fresh one per run,
    removed at the end, so nothing is ever resumed from it. One left by a killed run is removed
    here (the caller holds the data lock). Returns None where the user set JOBDIR.
    """
    if settings.get("JOBDIR"):
        return None
    shutil.rmtree(layout.queue_dir, ignore_errors=True)
    layout.queue_dir.mkdir(parents=True)
    settings.set("JOBDIR", str(layout.queue_dir), priority="cmdline")
    return layout.queue_dir


def plan_run(seedfile: SeedFile, data_dir: Path, settings: Settings,
             everything: bool) -> CrawlPlan:
    """This run's plan, from the index as it stands after catch-up (as `palimpsest due`)."""
    # PALIMPSEST_NOW plans as if it were another time (tests, what-if runs); fetches are real.
    now = parse_when(settings.get("PALIMPSEST_NOW")) if settings.get("PALIMPSEST_NOW") \
        else utcnow()
    return plan_from_index(data_dir, seedfile, now, url=settings.get("PALIMPSEST_INDEX") or None,
                           everything=everything, effort=settings.getfloat("PALIMPSEST_EFFORT"),
                           host_budget=settings.getint("PALIMPSEST_HOST_BUDGET"))


def account_for_seeds(summary: dict[str, Any], seedfile: SeedFile, stats: dict[str, Any],
                      plan: CrawlPlan | None, urls: Iterable[str] | None) -> list[str]:
    """One outcome per seed in the summary, their counts, and the problem of a run in which
    every due seed was refused or unreadable (archive.schedule.outcomes). Returns the seed
    problems of this run, for `palimpsest status`."""
    if plan is not None:
        due: set[str] | None = {seed.url for seed, _ in plan.seeds}
    else:
        due = set(urls) if urls is not None else None
    entries = seed_outcomes(seedfile, due, stats)
    summary["seed_outcomes"] = entries
    summary["seed_counts"] = outcome_counts(entries)
    fatal = outcome_problems(entries)
    summary["problems"] += fatal
    # A discovery seed gone quiet is a problem line that fails the run only when nothing else
    # was crawled (then the line above says it, once).
    quiet_discovery: list[str] = [] if fatal else discovery_problems(entries)
    summary["seed_problems"] = quiet_discovery
    return fatal + quiet_discovery


def plan_problems(plan: CrawlPlan) -> list[str]:
    """What the plan could not read from the index (the rest of the run went ahead)."""
    if not plan.unreadable:
        return []
    return [f"{len(plan.unreadable)} pages of the index could not be read and were not "
            f"planned (first: {plan.unreadable[0]}); `palimpsest verify` checks the index"]


def summarize(stats: dict[str, Any], fail_ratio: float) -> dict[str, Any]:
    """Counts users read, and the problems that make the run count as failed."""
    summary: dict[str, Any] = {key: int(stats.get(stat, 0)) for key, stat in _SUMMARY_STATS.items()}
    summary["records"] = {key.rsplit("/", 1)[1]: value for key, value in stats.items()
                          if key.startswith("palimpsest/records/")}
    # Why requests were refused (scheme, url, address, dns, connected-address, robots) and
    # why pages failed (http-404, timeout, too-large, redirect-loop, ...).
    summary["refusals"] = _by_reason(stats, "palimpsest/refused/")
    summary["failures"] = _by_reason(stats, "palimpsest/failed/")
    summary["archive_error"] = stats.get("palimpsest/archive_error")
    # Scrapy versions differ in what they set (and some leave finish_reason out when a crawl
    # dies early), so only a reason we know to be clean counts as clean.
    reason = stats.get("finish_reason") or "unknown"
    summary["finish_reason"] = reason
    summary["not_modified"] = int(stats.get("palimpsest/records/not-modified", 0))
    summary["conditional"] = int(stats.get("palimpsest/conditional", 0))
    summary["requisites"] = requisite_summary(stats)
    problems = []
    if stats.get("palimpsest/archive_error"):
        problems.append(f"archive error: {stats['palimpsest/archive_error']}")
    if reason not in ("finished", NOTHING_DUE):
        problems.append(f"crawl ended early: {reason}")
    reasons = ", ".join(f"{reason} {count}" for reason, count in summary["failures"].items())
    reasons = f" ({reasons})" if reasons else ""
    every_seed = bool(summary["seeds"]) and summary["failed_seeds"] >= summary["seeds"]
    if every_seed:
        problems.append(f"every seed failed{reasons}")
    attempted = summary["fetched"] + summary["failed"]
    # One cause, one line: when the failed fetches are the seeds, the line above said it.
    if attempted and summary["failed"] / attempted > fail_ratio and not (
            every_seed and summary["failed"] == summary["failed_seeds"]):
        problems.append(f"{summary['failed']} of {attempted} fetches failed{reasons}")
    errors = int(stats.get("log_count/ERROR", 0)) + int(stats.get("log_count/CRITICAL", 0))
    if errors:
        problems.append(f"{errors} error{'s' if errors > 1 else ''} logged (the log in "
                        "DATA/logs/ has them)")
    exceptions = int(stats.get("spider_exceptions/count", 0)) or sum(
        int(value) for key, value in stats.items() if key.startswith("spider_exceptions/"))
    if exceptions and not errors:  # normally logged as errors too; count them if not
        problems.append(f"{exceptions} spider callbacks raised")
    summary["problems"] = problems
    return summary


def _by_reason(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {key[len(prefix):]: int(value) for key, value in sorted(stats.items())
            if key.startswith(prefix)}
