"""`palimpsest status`: the index, and with --redis the shared crawl: its cycle, queue depth,
leases, and each worker's heartbeat and last capture."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.common import (
    chosen_index,
    data_option,
    domain_errors,
    index_option,
    print_json,
    resolve_data,
)
from archive.frontier.state import DEFAULT_PREFIX


@click.command("status")
@click.argument("seeds", required=False, type=click.Path(dir_okay=False, path_type=Path))
@data_option
@index_option
@click.option("--redis", "redis_url", metavar="URL", help="Also show the shared crawl.")
@click.option("--redis-prefix", default=DEFAULT_PREFIX, show_default=True,
              help="Its key prefix (PALIMPSEST_REDIS_PREFIX).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@domain_errors
def status(seeds: Path | None, data_dir: Path | None, redis_url: str | None,
           redis_prefix: str, as_json: bool) -> None:
    """The index in use and, with --redis, the shared crawl: queue, leases, workers."""
    from archive.index.admin import index_status
    from archive.schedule.seeds import load_seeds

    collection = load_seeds(seeds).collection if seeds else None
    data = resolve_data(data_dir)
    result: dict = {"index": index_status(data, chosen_index()),
                    "seed_problems": _seed_problems(data, collection)}
    if redis_url:
        from archive.frontier.status import frontier_status

        result["frontier"] = frontier_status(redis_url, redis_prefix, collection)
    if as_json:
        print_json(result)
        return
    index = result["index"]
    counts = ", ".join(f"{n} {t}" for t, n in (index.get("counts") or {}).items())
    click.echo(f"index: {index['index']} (schema {index['schema_version']}) {counts}")
    if index.get("problem"):
        click.echo(f"  problem: {index['problem']}")
    for name, recorded in result["seed_problems"].items():
        for problem in recorded["problems"]:
            click.echo(f"{name}: problem: {problem} (crawl of {recorded['at'] or 'unknown'})")
    for entry in result.get("frontier", []):
        cycle = entry["cycle"]
        click.echo(f"{entry['collection']}: {entry['queued']} queued")
        if cycle and cycle["state"] == "unreadable":
            click.echo(f"  problem: the cycle in Redis is unreadable ({cycle['problem']})")
        elif cycle:
            click.echo(f"  cycle {cycle['id']} {cycle['state']} (coordinator "
                       f"{cycle['coordinator']}, started {cycle['started_ago_s']}s ago"
                       f"{'' if cycle['seeded'] else ', still enqueueing'}): "
                       f"{cycle['in_flight']} in flight, {cycle['leases']} leases, "
                       f"{cycle['fetched']} fetched")
            if cycle["rejected"]:
                kinds = ", ".join(f"{k} {n}" for k, n in cycle["rejected"].items())
                click.echo(f"  problem: queue entries dropped unread: {kinds}")
        for worker in entry["workers"]:
            if worker["state"] == "unreadable":
                click.echo(f"  worker {worker['name']}: {worker['problem']}")
                continue
            last = worker["last_capture"] or {}
            click.echo(f"  worker {worker['name']} on {worker['host']} "
                       f"{'alive' if worker['alive'] else 'gone'}, {worker['state']}, "
                       f"beat {worker['last_beat_ago_s']}s ago, fetched {worker['fetched']}"
                       + (f", last {last.get('url')} at {last.get('at')}" if last else ""))


def _seed_problems(data: Path, collection: str | None) -> dict[str, dict]:
    """What the last crawl of each collection (or of the one asked about) recorded about its
    seeds: unreadable feeds and sitemaps, runs that crawled nothing (README: Running from
    cron). Collections whose last crawl had none are left out."""
    from archive.schedule.outcomes import read_seed_problems
    from archive.store.layout import DataLayout

    layout = DataLayout(data)
    found = {}
    for name in layout.collections():
        if collection is not None and name != collection:
            continue
        recorded = read_seed_problems(layout.collections_dir / name)
        if recorded and recorded["problems"]:
            found[name] = recorded
    return found
