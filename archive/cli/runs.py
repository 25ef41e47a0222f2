"""What `palimpsest crawl` and `palimpsest worker` share: their `-s` overrides, one cycle of a
shared crawl under the worker's own lock, and the summary line a person reads.

Both commands import this module, never each other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from archive.cli.common import EXIT_USAGE, Failure, chosen_index, configure_logging
from archive.schedule.outcomes import counts_phrase
from archive.schedule.seeds import SeedFile
from archive.store.layout import DataLayout
from archive.store.lock import DataLock
from archive.timeutil import timestamp17, utcnow
from archive.versions.lifecycle import takedowns


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, Any]:
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


def crawl_overrides(pairs: tuple[str, ...]) -> dict[str, Any]:
    """The `--set` overrides, plus the index `--index` (or the environment) chose."""
    overrides = parse_overrides(pairs)
    if chosen_index():
        overrides["PALIMPSEST_INDEX"] = chosen_index()
    return overrides


def summary_line(summary: dict[str, Any]) -> str:
    """One line a person can read at a glance."""
    if summary.get("finish_reason") == "nothing_due":
        return f"{summary['collection']}: nothing due ({summary.get('not_due', 0)} not due yet)"
    line = (f"{summary['collection']}: fetched {summary['fetched']}, "
            f"new versions {summary['new_versions']}, unchanged {summary['unchanged']}, "
            f"failed {summary['failed']}")
    extras = [counts_phrase(summary["seed_counts"])] if summary.get("seed_counts") else []
    extras += [f"{name.replace('_', ' ')} {summary[name]}"
              for name in ("returned", "not_modified", "extraction_failed", "truncated",
                           "not_due", "over_budget") if summary.get(name)]
    gone = takedowns(summary.get("failures") or {})
    if gone:  # the same words as `changes`, the demo and the report
        extras.append(gone)
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


def requisites_phrase(counts: dict[str, Any]) -> str:
    """`requisites 12 fetched, 30 reused, 1 requisites failed (http-404 1)`, or ''."""
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


def shots_line(shots: dict[str, Any]) -> str:
    """The one line that says whether screenshots were on, and what they made."""
    line = str(shots.get("line", ""))
    if not shots.get("enabled"):
        return line
    failed = shots.get("failed") or {}
    extra = f", {sum(failed.values())} failed" if failed else ""
    left = f", {shots['left']} left for the next run" if shots.get("left") else ""
    return f"{line}: {shots.get('made', 0)} made{extra}{left}"


def run_worker_cycle(ctx: click.Context, seedfile: SeedFile, data_dir: Path, *, redis_url: str,
                     name: str | None, coordinator: bool, allow_private: bool,
                     everything: bool, overrides: dict[str, Any], quiet: bool,
                     wait: float = 60.0) -> dict[str, Any]:
    """One cycle of a shared crawl in this process, under this worker's own lock."""
    # Imported here: Redis and Scrapy cost a plain crawl's start-up 0.1 s and more.
    from archive.frontier.workers import check_worker_name, default_worker_name
    from crawler.frontier.run import run_shared_crawl

    name = check_worker_name(name or default_worker_name())
    layout = DataLayout(data_dir)
    # Workers share the data folder (each writes its own files): the lock is per worker.
    with DataLock(layout.root / f"crawl-{name}.lock"):
        logfile = layout.logs_dir / f"{'crawl' if coordinator else 'worker'}-{name}-" \
                                    f"{timestamp17(utcnow())}.log"
        verbosity = ctx.obj.get("verbose", 0) if ctx.obj else 0
        configure_logging(verbosity, quiet, logfile)
        report = run_shared_crawl(seedfile, layout.root, redis_url=redis_url, name=name,
                                  coordinator=coordinator, allow_private=allow_private,
                                  everything=everything, overrides=overrides, wait=wait)
    return report.summary
