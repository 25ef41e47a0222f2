"""`palimpsest screenshots`: render the versions that have no screenshot yet (for cron)."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.common import (
    EXIT_FAILED,
    chosen_index,
    configure_logging,
    data_option,
    domain_errors,
    existing_data,
    index_option,
    print_json,
)
from archive.cli.help import Documented
from archive.screenshot.run import DEFAULT_BUDGET_SECONDS, ScreenshotRun, take_screenshots
from archive.store.layout import DataLayout
from archive.store.lock import DataLock
from archive.timeutil import parse_when, timestamp17, to_iso, utcnow


def screenshots_line(run: ScreenshotRun) -> str:
    """`screenshots: on (Chromium at ...): 3 made, 1 failed (timeout 1), 2 left for later`."""
    if not run.enabled:
        return run.line
    parts = [f"{run.made} made"]
    if run.failed:
        detail = ", ".join(f"{reason} {count}" for reason, count in sorted(run.failed.items()))
        parts.append(f"{sum(run.failed.values())} failed ({detail})")
    if run.left:
        parts.append(f"{run.left} left for the next run")
    return f"{run.line}: {', '.join(parts)} in {run.seconds:.1f}s"


@click.command(
    "screenshots", cls=Documented,
    example="palimpsest screenshots --since 1d --limit 50 --data data")
@data_option
@index_option
@click.option("--since", metavar="WHEN",
              help="Only versions first seen since WHEN (ISO 8601 or a duration).")
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              help="Render at most this many captures.")
@click.option("--budget", type=click.FloatRange(1), default=DEFAULT_BUDGET_SECONDS,
              show_default=True, help="Start no new page after this many seconds.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems (for cron).")
@click.pass_context
@domain_errors
def screenshots(ctx: click.Context, data_dir: Path | None, since: str | None, limit: int,
                budget: float, as_json: bool, quiet: bool) -> None:
    """Screenshot every version not yet shown, from the archive (pywb + headless Chromium)."""
    layout = DataLayout(existing_data(data_dir))
    since_iso = to_iso(parse_when(since)) if since else None
    with DataLock(layout.lock_path):
        verbosity = ctx.obj.get("verbose", 0) if ctx.obj else 0
        configure_logging(verbosity, quiet,
                          layout.logs_dir / f"screenshots-{timestamp17(utcnow())}.log")
        run = take_screenshots(layout.root, since=since_iso, budget_seconds=budget,
                               limit=limit, index_url=chosen_index())
    if as_json:
        print_json({**run.to_json(), "line": run.line, "problems": run.problems})
    elif not quiet or not run.enabled or run.problems:
        click.echo(screenshots_line(run))
    for problem in run.problems:
        click.echo(f"problem: {problem}", err=True)
    if not run.enabled or run.problems:
        ctx.exit(EXIT_FAILED)  # asked for screenshots and could not make them: cron hears of it
