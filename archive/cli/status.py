"""`palimpsest status`: the index, and with --redis the shared crawl: its cycle, queue depth,
leases, and each worker's heartbeat and last capture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from archive.cli.common import (
    chosen_index,
    data_option,
    domain_errors,
    index_data,
    index_option,
    print_json,
)
from archive.cli.help import Documented
from archive.frontier.state import DEFAULT_PREFIX


@click.command(
    "status", cls=Documented,
    arguments={"SEEDS": "Optional: the seed list of a shared crawl, to show only its collection."},
    example="palimpsest status seeds/karabakh-2020.toml --redis redis://127.0.0.1:6379/0")
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
    """The index in use and, with --redis, the shared crawl: queue, leases, workers.

    SEEDS, the seed list a shared crawl runs, limits the shared-crawl part to its collection
    (without it, every collection under the prefix is shown); it is only read.
    """
    from archive.index.admin import index_status
    from archive.schedule.seeds import load_seeds

    collection = load_seeds(seeds).collection if seeds else None
    data = index_data(data_dir)
    result: dict[str, Any] = {"index": index_status(data, chosen_index()),
                    "seed_problems": _seed_problems(data, collection)}
    if redis_url:
        from archive.frontier.status import frontier_status

        result["frontier"] = frontier_status(redis_url, redis_prefix, collection)
    if as_json:
        print_json(result)
        return
    index = result["index"]
    counts = ", ".join(f"{n} {t}" for t, n in (index.get("counts") or {}).items())
    schema = index["schema_version"]
    click.echo(f"index: {index['index']} " + (f"(schema {schema})" if schema is not None
                                              else "(no schema yet)")
               + (f" {counts}" if counts else ""))
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


def _seed_problems(data: Path, collection: str | None) -> dict[str, dict[str, Any]]:
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
