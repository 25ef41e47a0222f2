"""`palimpsest status`: the index, and with --redis the shared crawl: its cycle, queue depth,
leases, and each worker's heartbeat and last capture."""

from __future__ import annotations

import json
import time
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


def frontier_status(redis_url: str, prefix: str, collection: str | None) -> list[dict]:
    """What Redis holds for each collection (or the one asked for)."""
    from archive.frontier import Frontier, connect
    from archive.frontier.keys import check_prefix

    client = connect(redis_url)
    check_prefix(prefix)
    if collection is None:
        names = sorted({key.decode().split(":")[1] for key in
                        client.scan_iter(match=f"{prefix}:*:workers", count=1000)})
    else:
        names = [collection]
    now = time.time()
    result = []
    for name in names:
        frontier = Frontier(client, name, prefix=prefix)
        keys = frontier.keys
        cycle = frontier.current() or {}
        entry: dict = {"collection": name, "queued": client.zcard(keys.queue), "cycle": None}
        if cycle:
            frontier.cycle = cycle["id"]
            entry["cycle"] = {
                "id": cycle["id"], "state": cycle.get("state"),
                "coordinator": cycle.get("coordinator"), "seeded": cycle.get("seeded") == "1",
                "plan_time": cycle.get("now"),
                "started_ago_s": round(now - float(cycle.get("started", now)), 1),
                "in_flight": client.hlen(keys.in_cycle(cycle["id"], "inflight")),
                "leases": sum(1 for _ in client.scan_iter(
                    match=keys.lease(cycle["id"], "*"), count=1000)),
                "fetched": client.scard(keys.in_cycle(cycle["id"], "done")),
            }
        workers = []
        for worker, raw in sorted(client.hgetall(keys.workers).items()):
            info = json.loads(raw)
            worker = worker.decode()
            workers.append({
                "name": worker, "host": info.get("host"), "pid": info.get("pid"),
                "alive": bool(client.exists(keys.alive(worker))),
                "state": info.get("state"), "cycle": info.get("cycle"),
                "last_beat_ago_s": round(now - info.get("last_beat", now), 1),
                "fetched": info.get("fetched", 0), "last_capture": info.get("last_capture"),
            })
        entry["workers"] = workers
        result.append(entry)
    client.close()
    return result


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
    from archive.cli.index import index_status
    from archive.seeds import load_seeds

    collection = load_seeds(seeds).collection if seeds else None
    result: dict = {"index": index_status(resolve_data(data_dir), chosen_index())}
    if redis_url:
        result["frontier"] = frontier_status(redis_url, redis_prefix, collection)
    if as_json:
        print_json(result)
        return
    index = result["index"]
    counts = ", ".join(f"{n} {t}" for t, n in (index.get("counts") or {}).items())
    click.echo(f"index: {index['index']} (schema {index['schema_version']}) {counts}")
    if index.get("problem"):
        click.echo(f"  problem: {index['problem']}")
    for entry in result.get("frontier", []):
        cycle = entry["cycle"]
        click.echo(f"{entry['collection']}: {entry['queued']} queued")
        if cycle:
            click.echo(f"  cycle {cycle['id']} {cycle['state']} (coordinator "
                       f"{cycle['coordinator']}, started {cycle['started_ago_s']}s ago"
                       f"{'' if cycle['seeded'] else ', still enqueueing'}): "
                       f"{cycle['in_flight']} in flight, {cycle['leases']} leases, "
                       f"{cycle['fetched']} fetched")
        for worker in entry["workers"]:
            last = worker["last_capture"] or {}
            click.echo(f"  worker {worker['name']} on {worker['host']} "
                       f"{'alive' if worker['alive'] else 'gone'}, {worker['state']}, "
                       f"beat {worker['last_beat_ago_s']}s ago, fetched {worker['fetched']}"
                       + (f", last {last.get('url')} at {last.get('at')}" if last else ""))
