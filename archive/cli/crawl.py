"""`palimpsest crawl SEEDS.toml`: fetch what is due, archive it, report in one line."""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from archive.cli.common import (
    EXIT_FAILED,
    EXIT_IOERR,
    chosen_index,
    configure_logging,
    data_option,
    domain_errors,
    index_option,
    print_json,
    resolve_data,
)
from archive.cli.help import Documented
from archive.cli.progress import CrawlProgress, wants_progress
from archive.cli.runs import crawl_overrides, run_worker_cycle, shots_line, summary_line
from archive.notify.config import NotifyConfig, notify_config_of
from archive.notify.deliver import deliver_to_data
from archive.schedule.seeds import SeedFile, load_seeds
from archive.store.layout import DataLayout
from archive.store.lock import DataLock
from archive.timeutil import timestamp17, utcnow


@click.command(
    "crawl", cls=Documented,
    arguments={"SEEDS": "The seed list (TOML): what to crawl, how often, and where to notify."},
    example="palimpsest crawl seeds/karabakh-2020.toml --data data")
@click.argument("seeds", type=click.Path(dir_okay=False, path_type=Path))
@data_option
@index_option
@click.option("--redis", "redis_url", metavar="URL",
              help="Share the crawl with `palimpsest worker`s through this Redis.")
@click.option("--name", show_default="host name", help="With --redis: this process's worker name.")
@click.option("--all", "everything", is_flag=True, help="Fetch everything, due or not.")
@click.option("--allow-private", is_flag=True,
              help="Allow loopback and private addresses (intranets, tests, the demo).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems (for cron).")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy or PALIMPSEST_* setting for this run.")
@click.pass_context
@domain_errors
def crawl(ctx: click.Context, seeds: Path, data_dir: Path | None, redis_url: str | None,
          name: str | None, everything: bool, allow_private: bool, as_json: bool, quiet: bool,
          settings: tuple[str, ...]) -> None:
    """Crawl what is due in SEEDS.toml into the data folder."""
    seedfile = load_seeds(seeds)  # a bad file stops here: nothing is locked or crawled
    notifications = notify_config_of(seedfile)  # so does a bad [notify] table
    overrides = crawl_overrides(settings)
    layout = DataLayout(resolve_data(data_dir))
    started = utcnow()
    if redis_url:  # a cycle of a shared crawl, coordinated by this process
        summary = run_worker_cycle(ctx, seedfile, layout.root, redis_url=redis_url, name=name,
                                   coordinator=True, allow_private=allow_private,
                                   everything=everything, overrides=overrides, quiet=quiet)
        _notify(summary, seedfile, notifications, layout.root, started)
        _print(ctx, summary, as_json, quiet)
        return
    with DataLock(layout.lock_path):
        logfile = layout.logs_dir / f"crawl-{timestamp17(utcnow())}.log"
        verbosity = ctx.obj.get("verbose", 0) if ctx.obj else 0
        bar = CrawlProgress(seedfile.collection) if wants_progress(quiet, as_json) else None
        configure_logging(verbosity, quiet, logfile, bar.console if bar else None)
        from crawler.run import run_crawl  # Scrapy is imported only by commands that crawl

        with bar or contextlib.nullcontext():
            report = run_crawl(seedfile, layout.root, allow_private=allow_private,
                               overrides=overrides, everything=everything,
                               progress=bar.update if bar else None)
        report.summary["log"] = str(logfile)
        # The run's captures are committed: tell whoever asked (README: Notifications).
        _notify(report.summary, seedfile, notifications, layout.root, started)
    _print(ctx, report.summary, as_json, quiet)


def _notify(summary: dict[str, Any], seedfile: SeedFile, notifications: NotifyConfig,
            data_dir: Path, started: datetime) -> None:
    """Send notifications; a failing channel is a problem line, never a failed crawl."""
    outcome = deliver_to_data(data_dir, chosen_index(), notifications, seedfile.collection,
                              started=started)
    if outcome is not None:
        summary["notify"] = outcome.to_json()


def _print(ctx: click.Context, summary: dict[str, Any], as_json: bool, quiet: bool) -> None:
    if as_json:
        print_json(summary)
    elif not quiet or summary["problems"] or summary.get("seed_problems"):
        click.echo(summary_line(summary))
        shots = summary.get("screenshots")
        if shots and not quiet:
            click.echo(shots_line(shots))
    # Seed and notification problems are said, and fail the run only through `problems`.
    problems = summary["problems"] + summary.get("seed_problems", []) + \
        summary.get("notify", {}).get("problems", [])
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems and quiet and not as_json and summary.get("log"):
        click.echo(f"log: {summary['log']}", err=True)  # where the details are
    if summary.get("archive_error"):
        ctx.exit(EXIT_IOERR)  # distinct, so cron can tell a full disk from a bad night
    if summary["problems"]:
        ctx.exit(EXIT_FAILED)
