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
from archive.index import open_index
from archive.schedule.plan import DEFAULT_EFFORT, DEFAULT_HOST_BUDGET, CrawlPlan, explain, make_plan
from archive.schedule.policy import Due, span
from archive.schedule.seeds import load_seeds
from archive.store.layout import DataLayout
from archive.timeutil import parse_when, to_iso, utcnow


def due_json(due: Due, plan: CrawlPlan, status: str) -> dict:
    return {"url": due.url, "status": status, "kind": due.kind,
            "due_at": to_iso(due.at) if due.at else None,
            "last_fetch": to_iso(due.last_fetch) if due.last_fetch else None,
            "reason": due.reason, **due.details}


def statuses(plan: CrawlPlan) -> dict[str, str]:
    """fetch | over-budget | waiting, per URL."""
    status = {due.url: "waiting" for due in plan.waiting}
    status.update({due.url: "over-budget" for due in plan.deferred})
    status.update({seed.url: "fetch" for seed, _ in plan.seeds})
    status.update({visit.url: "fetch" for visit in plan.visits})
    return status


def when(due: Due, now: datetime) -> str:
    if due.at is None:
        return "never"
    if due.at <= now:
        return f"due ({span(now - due.at)} ago)" if due.kind != "new" else "due (new)"
    return f"in {span(due.at - now)}"


@click.command("due")
@click.argument("seeds", type=click.Path(dir_okay=False, path_type=Path))
@data_option
@index_option
@click.option("--at", "at", metavar="WHEN", help="Plan as of this time (ISO 8601; default now).")
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
    layout = DataLayout(resolve_data(data_dir))
    rows: list[dict] = []
    url = chosen_index()
    if url is not None or layout.index_path.exists():
        index = open_index(layout.root, readonly=True, url=url)
        try:
            rows = index.schedule_rows(seedfile.collection)
        finally:
            index.close()
    plan = make_plan(rows, seedfile, now, effort=effort, host_budget=host_budget)
    status = statuses(plan)
    listed = [d for d in explain(plan) if show_all or status.get(d.url) != "waiting"]
    if as_json:
        print_json({"collection": seedfile.collection, "at": to_iso(now), **plan.counts(),
                    "pages": [due_json(d, plan, status.get(d.url, "waiting")) for d in listed]})
        return
    from rich.console import Console  # imported late: every CLI start would pay for it
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(title=f"{seedfile.collection} at {now:%Y-%m-%d %H:%M}Z", title_justify="left")
    for column in ("when", "url", "why"):
        table.add_column(column, overflow="fold")
    for item in listed:
        label = when(item, now) + (" (over budget)" if status.get(item.url) == "over-budget"
                                   else "")
        table.add_row(label, item.url, item.reason)
    console.print(table)
    counts = plan.counts()
    console.print(f"{counts['due_seeds']} seeds and {counts['due_pages']} known pages due, "
                  f"{counts['over_budget']} over a host's budget, {counts['not_due']} not due")
