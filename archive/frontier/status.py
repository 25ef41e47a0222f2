"""What Redis holds about each collection's shared crawl, for `palimpsest status`.

Everything here is read from Redis, which other machines write: every value is checked before
it is shown, and one that is not what a worker writes is reported as unreadable rather than
trusted (or allowed to crash the command).
"""

from __future__ import annotations

import json
import time
from typing import Any

import redis

from archive.frontier.keys import check_prefix
from archive.frontier.state import Frontier, connect

_NUMBER = (int, float)


def frontier_status(redis_url: str, prefix: str, collection: str | None) -> list[dict[str, Any]]:
    """Each collection's cycle, queue and workers (or only `collection`'s)."""
    check_prefix(prefix)
    client = connect(redis_url)
    try:
        names = [collection] if collection else _collections(client, prefix)
        return [_collection_status(client, prefix, name) for name in names]
    finally:
        client.close()


def _collections(client: redis.Redis, prefix: str) -> list[str]:
    names = set()
    for key in client.scan_iter(match=f"{prefix}:*:workers", count=1000):
        parts = key.decode("utf-8", "replace").split(":")
        if len(parts) == 3:
            names.add(parts[1])
    return sorted(names)


def _collection_status(client: redis.Redis, prefix: str, name: str) -> dict[str, Any]:
    frontier = Frontier(client, name, prefix=prefix)
    keys = frontier.keys
    now = time.time()
    entry: dict[str, Any] = {"collection": name, "queued": client.zcard(keys.queue),
                             "cycle": None}
    cycle = frontier.current()
    if cycle:
        entry["cycle"] = _cycle_status(client, frontier, cycle, now)
    entry["workers"] = [_worker_status(client, frontier, worker, raw, now)
                        for worker, raw in sorted(client.hgetall(keys.workers).items())]
    return entry


def _cycle_status(client: redis.Redis, frontier: Frontier, cycle: dict[str, str],
                  now: float) -> dict[str, Any]:
    if cycle["state"] == "unreadable":
        return {"id": cycle["id"], "state": "unreadable", "problem": cycle["problem"]}
    keys, cycle_id = frontier.keys, cycle["id"]
    return {
        "id": cycle_id, "state": cycle.get("state"),
        "coordinator": cycle.get("coordinator"), "seeded": cycle.get("seeded") == "1",
        "plan_time": cycle.get("now"),
        "started_ago_s": _ago(now, cycle.get("started")),
        "in_flight": client.hlen(keys.in_cycle(cycle_id, "inflight")),
        "leases": sum(1 for _ in client.scan_iter(match=keys.lease(cycle_id, "*"),
                                                  count=1000)),
        "fetched": client.scard(keys.in_cycle(cycle_id, "done")),
        "rejected": frontier.rejected(cycle_id),
    }


def _worker_status(client: redis.Redis, frontier: Frontier, name: bytes | str,
                   raw: bytes | str, now: float) -> dict[str, Any]:
    worker = name if isinstance(name, str) else name.decode("utf-8", "replace")
    status: dict[str, Any] = {"name": worker,
                              "alive": bool(client.exists(frontier.keys.alive(worker)))}
    info = _heartbeat(raw)
    if info is None:
        status.update(state="unreadable", problem="its heartbeat is not one a worker writes")
        return status
    last = info.get("last_capture")
    status.update({
        "host": info.get("host"), "pid": info.get("pid"), "state": info.get("state"),
        "cycle": info.get("cycle"), "last_beat_ago_s": _ago(now, info.get("last_beat")),
        "fetched": info.get("fetched", 0),
        "last_capture": last if isinstance(last, dict) else None,
    })
    return status


# The heartbeat fields a worker writes (archive/frontier/state.py, Frontier.beat), by type.
_HEARTBEAT: dict[str, type | tuple[type, ...]] = {
    "host": str, "pid": int, "state": str, "cycle": (str, type(None)),
    "last_beat": _NUMBER, "started": _NUMBER, "fetched": int, "last_capture": dict, "at": str}


def _heartbeat(raw: bytes | str) -> dict[str, Any] | None:
    """A worker's heartbeat JSON, checked field by field; None if it is not one."""
    if len(raw) > 64 * 1024:
        return None
    try:
        info = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(info, dict):
        return None
    for key, value in info.items():
        kind = _HEARTBEAT.get(key)
        if kind is None or not isinstance(value, kind) or isinstance(value, bool):
            return None
    last = info.get("last_capture")
    if last is not None and not all(isinstance(last.get(k), str) for k in ("url", "at")):
        return None
    return info


def _ago(now: float, then: Any) -> float | None:
    try:
        return round(now - float(then), 1)
    except (TypeError, ValueError):
        return None
