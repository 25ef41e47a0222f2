"""One collection's shared crawl in Redis: its cycle, its workers, leases and politeness.

A *cycle* is one run of the plan (archive/schedule/plan.py): `palimpsest crawl --redis` opens it,
enqueues what is due, works on it like any worker, and closes it when the queue is empty and
nothing is in flight. `palimpsest worker` joins the open cycle. Within a cycle a URL is fetched
once: the dupefilter keeps it out of the queue twice, and a worker fetches a popped request
only under the URL's lease (SET NX PX), which its heartbeat renews. When a worker dies, its
liveness key and leases expire and any live worker puts its in-flight requests back.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import time
import uuid
from typing import Any, Mapping, Sequence

import redis

from archive.exceptions import ConfigError, LockHeldError
from archive.frontier import scripts, wire
from archive.frontier.keys import FrontierKeys, check_prefix
from archive.timeutil import parse_when

logger = logging.getLogger(__name__)

DEFAULT_PREFIX = "palimpsest"
DEFAULT_LEASE_SECONDS = 60.0
CYCLE_STATES = ("open", "closed", "abandoned")
UNREADABLE = "unreadable"  # the state of a cycle hash this Palimpsest did not write
_CYCLE_ID = re.compile(r"[0-9]{14}-[0-9a-f]{6}")


def connect(url: str) -> redis.Redis:
    """A client for `url`, checked with a PING so a wrong URL fails at once and clearly."""
    try:
        client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise ConfigError(f"cannot reach Redis at {url}: {exc}") from None
    return client


class Frontier:
    """The Redis side of a shared crawl, for one worker (or for `status`, with no worker)."""

    def __init__(self, client: redis.Redis, collection: str, *, prefix: str = DEFAULT_PREFIX,
                 worker: str | None = None, lease_seconds: float = DEFAULT_LEASE_SECONDS):
        self.redis = client
        self.keys = FrontierKeys(check_prefix(prefix), collection)
        self.worker = worker
        self.lease_ms = max(int(lease_seconds * 1000), 500)
        self.cycle: str | None = None
        self.dropped_old_entries = 0  # pickled entries an older version left (open_cycle)
        self._pop = client.register_script(scripts.POP)
        self._claim = client.register_script(scripts.CLAIM)
        self._finish = client.register_script(scripts.FINISH)
        self._requeue = client.register_script(scripts.REQUEUE)
        self._put_back = client.register_script(scripts.PUT_BACK)
        self._acquire_host = client.register_script(scripts.ACQUIRE_HOST)
        self._renew_host = client.register_script(scripts.RENEW_HOST)
        self.info: dict[str, Any] = {"host": socket.gethostname(), "pid": os.getpid(),
                                     "started": time.time(), "fetched": 0}

    @property
    def _name(self) -> str:
        """This worker's name (a Frontier made for `status` has none, and takes no work)."""
        if self.worker is None:
            raise RuntimeError("a frontier with no worker name cannot take work")
        return self.worker

    @property
    def joined(self) -> str:
        """The cycle this worker works in (set by open_cycle or join)."""
        if self.cycle is None:
            raise RuntimeError("the worker has not joined a cycle")
        return self.cycle

    # -- workers ------------------------------------------------------------------------------

    def register(self) -> None:
        """Claim this worker's name; refuse if a live worker already uses it (its WARC files
        and recovery of `.open` files depend on the name being one process's)."""
        assert self.worker
        if not self.redis.set(self.keys.alive(self.worker), self.info["pid"], nx=True,
                              px=self.lease_ms):
            raise LockHeldError(f"a worker named {self.worker!r} is already running for "
                                f"{self.keys.collection} (give each worker its own --name)")
        self.beat("starting")

    def beat(self, state: str, leases: Sequence[str] = (),
             slots: Mapping[str, list[str]] | None = None) -> None:
        """Say this worker is alive and renew its leases and politeness slots."""
        assert self.worker
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self.keys.alive(self.worker), self.info["pid"], px=self.lease_ms)
        for fingerprint in leases:
            pipe.pexpire(self.keys.lease(self.joined, fingerprint), self.lease_ms)
        self.info.update(state=state, cycle=self.cycle, last_beat=time.time())
        pipe.hset(self.keys.workers, self.worker, json.dumps(self.info))
        pipe.execute()
        for host, tokens in dict(slots or {}).items():
            if tokens:
                self._renew_host(keys=[self.keys.host_slots(host)],
                                 args=[self.lease_ms, *tokens])

    def note_capture(self, url: str, at: str) -> None:
        """Count a capture of this worker (shown by `palimpsest status`)."""
        self.info["fetched"] += 1
        self.info["last_capture"] = {"url": url, "at": at}
        if self.cycle:
            self.redis.hincrby(self.keys.in_cycle(self.cycle, "fetched"), self._name, 1)

    def leave(self) -> None:
        """A clean stop: hand back unfinished work and free the name at once."""
        if self.cycle:
            self.requeue(only_worker=self.worker)
        self.beat("stopped")
        self.redis.delete(self.keys.alive(self._name))

    # -- cycles -------------------------------------------------------------------------------

    def current(self) -> dict[str, str] | None:
        """The collection's cycle as Redis holds it, checked: a hash that is not one a
        coordinator wrote (id, state, plan time) reads as state `unreadable`, which no worker
        joins and the next coordinator replaces."""
        raw = self.redis.hgetall(self.keys.cycle)
        if not raw:
            return None
        cycle = {reply_text(k): reply_text(v)
                 for k, v in raw.items()}
        problem = _cycle_problem(cycle)
        if problem is not None:
            logger.warning("the cycle of %s in Redis is not readable (%s); ignoring it",
                           self.keys.collection, problem)
            return {"id": cycle.get("id", "")[:40], "state": UNREADABLE, "problem": problem}
        return cycle

    def open_cycle(self, now: str, everything: bool) -> str:
        """Start a cycle coordinated by this worker; refuse while another one runs."""
        current = self.current()
        if current and current.get("state") == "open":
            if self.redis.exists(self.keys.alive(current.get("coordinator", ""))):
                raise LockHeldError(
                    f"cycle {current['id']} of {self.keys.collection} is still running "
                    f"(coordinated by {current.get('coordinator')}); try again later")
            logger.warning("cycle %s lost its coordinator; abandoning it", current["id"])
            self.close_cycle(current["id"], state="abandoned")
        cycle = f"{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:6]}"
        self.dropped_old_entries = self._count_pickled()
        if self.dropped_old_entries:
            logger.warning("%d requests in the queue were written by an older Palimpsest "
                           "(pickled); dropped unread: this cycle is planned afresh from the "
                           "index, which covers them", self.dropped_old_entries)
        pipe = self.redis.pipeline()
        pipe.delete(self.keys.cycle, self.keys.queue)
        pipe.hset(self.keys.cycle, mapping={
            "id": cycle, "state": "open", "now": now, "everything": int(everything),
            "coordinator": self._name, "seeded": 0, "started": time.time()})
        pipe.execute()
        self.cycle = cycle
        return cycle

    def join(self, cycle: dict[str, str]) -> None:
        self.cycle = cycle["id"]

    def mark_seeded(self) -> None:
        """Everything the plan said is due is in the queue: the cycle may now complete."""
        self.redis.hset(self.keys.cycle, "seeded", 1)

    def is_current(self) -> bool:
        current = self.current()
        return current is not None and current.get("id") == self.cycle and \
            current.get("state") == "open"

    def complete(self) -> bool:
        """Seeded, nothing queued, nothing in flight: the cycle's work is done."""
        pipe = self.redis.pipeline()
        pipe.hget(self.keys.cycle, "seeded")
        pipe.zcard(self.keys.queue)
        pipe.hlen(self.keys.in_cycle(self.joined, "inflight"))
        seeded, queued, inflight = pipe.execute()
        return bool(seeded == b"1" and queued == 0 and inflight == 0)

    def close_cycle(self, cycle: str, state: str = "closed") -> None:
        """Mark the cycle ended and delete its per-cycle keys (the queue is empty by now); the
        counts of rejected queue entries stay in the cycle hash, for `status`."""
        leases = list(self.redis.scan_iter(match=self.keys.lease(cycle, "*"), count=1000))
        rejected = self.rejected(cycle)
        pipe = self.redis.pipeline()
        pipe.hset(self.keys.cycle, mapping={"state": state, "ended": time.time(),
                                            "rejected": json.dumps(rejected)})
        pipe.delete(*self.keys.cycle_keys(cycle), *leases)
        if state != "closed":
            pipe.delete(self.keys.queue)
        pipe.execute()

    # -- requests -----------------------------------------------------------------------------

    def _cycle_keys(self, *names: str) -> list[str]:
        return [self.keys.in_cycle(self.joined, name) for name in names]

    def pop(self) -> tuple[str, bytes] | None:
        """The best queued request, now in flight under this worker: (id, payload).

        An entry too large to be ours is dropped inside Redis (and counted); then the next one
        is tried. None when the queue is empty."""
        while True:
            result = self._pop(keys=[self.keys.queue, *self._cycle_keys(
                "inflight", "owners", "scores", "rejected")],
                args=[self._name, wire.MAX_ENTRY_BYTES])
            if not result:
                return None
            if result[0]:
                return result[0].decode(), result[1]
            logger.warning("dropped a queue entry of %s bytes, too large to be a request of "
                           "ours", result[1].decode())

    def reject(self, request_id: str, reason: str) -> None:
        """Drop a popped entry that is not a request of ours, and count why."""
        self.finish(request_id, None)
        self.redis.hincrby(self.keys.in_cycle(self.joined, "rejected"), reason, 1)

    def rejected(self, cycle: str | None = None) -> dict[str, int]:
        """Queue entries dropped unread in a cycle (default: this one), by reason."""
        cycle = cycle or self.cycle
        if not cycle:
            return {}
        raw = self.redis.hgetall(self.keys.in_cycle(cycle, "rejected"))
        if not raw:  # a closed cycle keeps its counts in the cycle hash
            current = self.current() or {}
            if current.get("id") == cycle and current.get("rejected"):
                return _counts(current["rejected"])
        return {reply_text(k): int(v) for k, v in sorted(raw.items())}

    def _count_pickled(self) -> int:
        """Entries in the queue written by a Palimpsest that queued pickles (before JSON)."""
        count = 0
        for member, _ in self.redis.zscan_iter(self.keys.queue, count=1000):
            count += member[:1] == b"\x80"
        return count

    def claim(self, request_id: str, fingerprint: str) -> bool:
        """Take the URL's lease for this cycle; False if fetched already or leased elsewhere."""
        taken = self._claim(keys=[self.keys.lease(self.joined, fingerprint),
                                  *self._cycle_keys("done", "fps")],
                            args=[self._name, fingerprint, request_id, self.lease_ms])
        return bool(taken == 1)

    def finish(self, request_id: str, fingerprint: str | None) -> None:
        """The request is done (fingerprint given: fetched, so never again this cycle) or
        dropped (no fingerprint)."""
        lease = self.keys.lease(self.joined, fingerprint) if fingerprint else self.keys.cycle
        self._finish(keys=[*self._cycle_keys("inflight", "owners", "fps", "scores", "done"),
                           lease], args=[request_id, fingerprint or ""])

    def put_back(self, request_id: str) -> None:
        """Return a popped, unclaimed request to the queue for another worker."""
        self._put_back(keys=[self.keys.queue, *self._cycle_keys("inflight", "owners", "scores",
                                                                "fps")], args=[request_id])

    def requeue(self, only_worker: str | None = None) -> int:
        """Put back in-flight requests of dead workers (or of `only_worker`)."""
        moved = self._requeue(
            keys=[self.keys.queue, *self._cycle_keys("inflight", "owners", "scores", "done",
                                                     "fps")],
            args=[self.keys.alive(""), only_worker or ""])
        if moved:
            logger.info("put back %d requests %s", moved,
                        f"of {only_worker}" if only_worker else "of workers that died")
        return int(moved)

    # -- politeness ---------------------------------------------------------------------------

    def acquire_host(self, host: str, token: str, limit: int, delay_s: float) -> float:
        """Try to take a slot on `host`: 0 when taken, else seconds to wait before retrying."""
        answer = self._acquire_host(keys=[self.keys.host_slots(host), self.keys.host_next(host)],
                                    args=[token, max(limit, 1), int(delay_s * 1000),
                                          self.lease_ms])
        answer = int(answer)
        if answer == 0:
            return 0.0
        return 0.05 if answer < 0 else min(answer / 1000, 5.0)

    def host_full(self, host: str, limit: int) -> bool:
        """Whether every politeness slot of `host` is taken right now (by any worker)."""
        now_ms = int(self.redis.time()[0]) * 1000
        return self.redis.zcount(self.keys.host_slots(host), now_ms, "+inf") >= max(limit, 1)

    def release_host(self, host: str, token: str) -> None:
        self.redis.zrem(self.keys.host_slots(host), token)


def _cycle_problem(cycle: dict[str, str]) -> str | None:
    """What is wrong with a cycle hash read from Redis, or None if a coordinator wrote it."""
    if not _CYCLE_ID.fullmatch(cycle.get("id", "")):
        return "no valid cycle id"
    if cycle.get("state") not in CYCLE_STATES:
        return f"state {cycle.get('state', '')[:20]!r}"
    try:
        parse_when(cycle.get("now", ""))
    except ValueError:
        return "no valid plan time"
    if cycle.get("everything") not in ("0", "1"):
        return "'everything' is not 0 or 1"
    return None


def reply_text(value: bytes | str) -> str:
    """A Redis reply as text (replies are bytes: the client does not decode them)."""
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _counts(text: str) -> dict[str, int]:
    """A {reason: count} JSON object kept in the cycle hash; {} for anything else."""
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k)[:40]: v for k, v in value.items()
            if isinstance(v, int) and not isinstance(v, bool)}
