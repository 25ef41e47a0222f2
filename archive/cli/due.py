"""`palimpsest due SEEDS.toml`: what the next crawl would fetch, and why (nothing is fetched)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from archive.cli.common import (
    EXIT_USAGE,
    Failure,
    chosen_index,
    data_option,
    domain_errors,
    index_option,
    print_json,
    resolve_data,
)
from archive.cli.help import Documented
from archive.schedule.plan import (
    DEFAULT_EFFORT,
    DEFAULT_HOST_BUDGET,
    due_entry,
    explain,
    plan_from_index,
)
from archive.schedule.policy import Due, span
from archive.schedule.seeds import load_seeds
from archive.timeutil import parse_when, to_iso, utcnow


def when(due: Due, now: datetime) -> str:
    if due.at is None:
        return "never"
    if due.at <= now:
        return f"due ({span(now - due.at)} ago)" if due.kind != "new" else "due (new)"
    return f"in {span(due.at - now)}"


@click.command(
    "due", cls=Documented,
    arguments={"SEEDS": "The seed list (TOML): what to crawl, how often, and where to notify."},
    example="palimpsest due seeds/karabakh-2020.toml --all --data data")
@click.argument("seeds", type=click.Path(dir_okay=False, path_type=Path))
@data_option
@index_option
@click.option("--at", "at", metavar="WHEN", show_default="now",
              help="Plan as of this time (ISO 8601, or a duration ago).")
@click.option("--all", "show_all", is_flag=True, help="List pages that are not due, too.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--effort", type=float, default=DEFAULT_EFFORT, show_default=True,
              help="Revisit effort, as PALIMPSEST_EFFORT.")
@click.option("--host-budget", type=int, default=DEFAULT_HOST_BUDGET, show_default=True,
              help="Revisits per host per run, as PALIMPSEST_HOST_BUDGET.")
@domain_errors
def due(seeds: Path, data_dir: Path | None, at: str | None, show_all: bool, as_json: bool,
        effort: float, host_budget: int) -> None:
    """What a crawl of SEEDS.toml would fetch now (or --at WHEN), and why."""
    seedfile = load_seeds(seeds)
    try:
        now = parse_when(at) if at else utcnow()
    except ValueError as exc:
        raise Failure(f"--at: {exc}", EXIT_USAGE) from None
    plan = plan_from_index(resolve_data(data_dir), seedfile, now, url=chosen_index(),
                           effort=effort, host_budget=host_budget)
    status = plan.statuses()
    listed = [d for d in explain(plan) if show_all or status.get(d.url) != "waiting"]
    if as_json:
        print_json({"collection": seedfile.collection, "at": to_iso(now), **plan.counts(),
                    "pages": [due_entry(d, status.get(d.url, "waiting")) for d in listed]})
        return
    # Imported late: every CLI start would pay for them.
    from rich.console import Console

    from archive.report.terminal import Column, print_table

    console = Console(highlight=False)
    counts = plan.counts()
    title = f"{seedfile.collection} at {now:%Y-%m-%d %H:%M}Z"
    if not listed:
        console.print(f"Nothing is due in {title}: the next crawl would fetch nothing"
                      + (" (--all lists the pages that are not due)." if counts["not_due"]
                         else "."))
    else:
        print_table(console, title, (Column("when"), Column("url", copy=True), Column("why")),
                    ([when(item, now) + (" (over budget)"
                                         if status.get(item.url) == "over-budget" else ""),
                      item.url, item.reason] for item in listed))
    console.print(f"{counts['due_seeds']} seeds and {counts['due_pages']} known pages due, "
                  f"{counts['over_budget']} over a host's budget, {counts['not_due']} not due")
