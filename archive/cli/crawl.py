"""`palimpsest crawl SEEDS.toml`: fetch what is due, archive it, report in one line."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import click

from archive.cli.common import (
    EXIT_FAILED,
    EXIT_IOERR,
    EXIT_USAGE,
    Failure,
    chosen_index,
    configure_logging,
    data_option,
    domain_errors,
    index_option,
    print_json,
    resolve_data,
)
from archive.cli.notify import notify_after_run
from archive.cli.progress import CrawlProgress, wants_progress
from archive.notify.config import notify_config_of
from archive.schedule.seeds import load_seeds
from archive.store.layout import DataLayout
from archive.store.lock import DataLock
from archive.timeutil import timestamp17, utcnow


def parse_overrides(pairs: tuple[str, ...]) -> dict:
    """`NAME=VALUE` pairs; values are read as JSON when they parse, else kept as text."""
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise Failure(f"--set {pair!r}: expected NAME=VALUE", EXIT_USAGE)
        try:
            overrides[name.strip()] = json.loads(value)
        except ValueError:
            overrides[name.strip()] = value
    return overrides


def crawl_overrides(pairs: tuple[str, ...]) -> dict:
    """The `--set` overrides, plus the index `--index` (or the environment) chose."""
    overrides = parse_overrides(pairs)
    if chosen_index():
        overrides["PALIMPSEST_INDEX"] = chosen_index()
    return overrides


def summary_line(summary: dict) -> str:
    """One line a person can read at a glance."""
    if summary.get("finish_reason") == "nothing_due":
        return f"{summary['collection']}: nothing due ({summary.get('not_due', 0)} not due yet)"
    line = (f"{summary['collection']}: fetched {summary['fetched']}, "
            f"new versions {summary['new_versions']}, unchanged {summary['unchanged']}, "
            f"failed {summary['failed']}")
    extras = [f"{name.replace('_', ' ')} {summary[name]}"
              for name in ("returned", "not_modified", "extraction_failed", "truncated",
                           "not_due", "over_budget") if summary.get(name)]
    if summary.get("refused"):
        reasons = ", ".join(f"{kind} {count}"
                            for kind, count in summary.get("refusals", {}).items())
        extras.append(f"refused {summary['refused']}" + (f": {reasons}" if reasons else ""))
    requisites = requisites_phrase(summary.get("requisites") or {})
    if requisites:
        extras.append(requisites)
    if summary.get("dropped_old_entries"):
        extras.append(f"{summary['dropped_old_entries']} requests an older Palimpsest queued "
                      "dropped, planned afresh")
    if extras:
        line += " (" + ", ".join(extras) + ")"
    return line + f" in {summary['seconds']}s"


def requisites_phrase(counts: dict) -> str:
    """`requisites 12 fetched, 30 reused, 1 failed (http-404 1)`, or '' when there were none."""
    fetched = sum(counts.get(key, 0) for key in ("fetched", "revisit", "not_modified"))
    reused = counts.get("fresh", 0)
    parts = []
    if fetched or reused:
        parts.append(f"requisites {fetched} fetched, {reused} reused")
    for group in ("failed", "skipped"):
        reasons = counts.get(group) or {}
        if reasons:
            detail = ", ".join(f"{reason} {count}" for reason, count in reasons.items())
            parts.append(f"{sum(reasons.values())} requisites {group} ({detail})")
    return ", ".join(parts)


def shots_line(shots: dict) -> str:
    """The one line that says whether screenshots were on, and what they made."""
    line = shots.get("line", "")
    if not shots.get("enabled"):
        return line
    failed = shots.get("failed") or {}
    extra = f", {sum(failed.values())} failed" if failed else ""
    left = f", {shots['left']} left for the next run" if shots.get("left") else ""
    return f"{line}: {shots.get('made', 0)} made{extra}{left}"


@click.command("crawl")
@click.argument("seeds", type=click.Path(dir_okay=False, path_type=Path))
@data_option
@index_option
@click.option("--redis", "redis_url", metavar="URL",
              help="Share the crawl with `palimpsest worker`s through this Redis.")
@click.option("--name", help="With --redis: this process's worker name (default: host name).")
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
        from archive.cli.worker import run_worker_cycle

        summary = run_worker_cycle(ctx, seedfile, layout.root, redis_url=redis_url, name=name,
                                   coordinator=True, allow_private=allow_private,
                                   everything=everything, overrides=overrides, quiet=quiet,
                                   as_json=as_json)
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
        # The run's captures are committed: tell whoever asked (README: Notifications).
        _notify(report.summary, seedfile, notifications, layout.root, started)
    _print(ctx, report.summary, as_json, quiet)


def _notify(summary: dict, seedfile, notifications, data_dir: Path, started) -> None:
    """Send notifications; a failing channel is a problem line, never a failed crawl."""
    outcome = notify_after_run(seedfile, notifications, data_dir, started)
    if outcome is not None:
        summary["notify"] = outcome.to_json()


def _print(ctx: click.Context, summary: dict, as_json: bool, quiet: bool) -> None:
    if as_json:
        print_json(summary)
    elif not quiet or summary["problems"]:
        click.echo(summary_line(summary))
        shots = summary.get("screenshots")
        if shots and not quiet:
            click.echo(shots_line(shots))
    for problem in summary["problems"] + summary.get("notify", {}).get("problems", []):
        click.echo(f"problem: {problem}", err=True)
    if summary.get("archive_error"):
        ctx.exit(EXIT_IOERR)  # distinct, so cron can tell a full disk from a bad night
    if summary["problems"]:
        ctx.exit(EXIT_FAILED)
