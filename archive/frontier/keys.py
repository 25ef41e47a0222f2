"""Names of the Redis keys of a shared crawl, in one place.

    PREFIX:COLLECTION:cycle                 hash: id, state, now, everything, coordinator, seeded
    PREFIX:COLLECTION:requests              the scrapy-redis request queue (a sorted set)
    PREFIX:COLLECTION:workers               hash: worker name -> JSON (heartbeat, last capture)
    PREFIX:COLLECTION:alive:NAME            a worker's liveness, expiring unless renewed
    PREFIX:COLLECTION:CYCLE:seen            scrapy-redis dupefilter fingerprints of this cycle
    PREFIX:COLLECTION:CYCLE:inflight        hash: request id -> serialized request (popped,
                                            not finished: re-queued if its worker dies)
    PREFIX:COLLECTION:CYCLE:owners          hash: request id -> worker that popped it
    PREFIX:COLLECTION:CYCLE:fps             hash: request id -> request fingerprint
    PREFIX:COLLECTION:CYCLE:scores          hash: request id -> queue score (priority)
    PREFIX:COLLECTION:CYCLE:lease:FP        the lease on one URL this cycle (SET NX PX)
    PREFIX:COLLECTION:CYCLE:done            fingerprints fetched this cycle
    PREFIX:COLLECTION:CYCLE:fetched         hash: worker -> responses archived this cycle
    PREFIX:COLLECTION:CYCLE:rejected        hash: reason -> queue entries dropped unread
                                            (archive/frontier/wire.py); kept in the cycle
                                            hash as JSON when the cycle closes
    PREFIX:host:HOST                        politeness slots held on HOST, by all workers
    PREFIX:hostnext:HOST                    the earliest time the next request to HOST may start
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.exceptions import ConfigError

_PREFIX = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def check_prefix(prefix: str) -> str:
    """Key prefixes go into scrapy-redis's %-formatted key templates: keep them plain."""
    if not _PREFIX.match(prefix):
        raise ConfigError(f"Redis key prefix {prefix!r}: use 1-64 letters, digits, '.', '_' "
                          "or '-'")
    return prefix


@dataclass(frozen=True)
class FrontierKeys:
    """The keys of one collection's shared crawl under one prefix."""

    prefix: str
    collection: str

    @property
    def base(self) -> str:
        return f"{self.prefix}:{self.collection}"

    @property
    def cycle(self) -> str:
        return f"{self.base}:cycle"

    @property
    def queue(self) -> str:
        return f"{self.base}:requests"

    @property
    def workers(self) -> str:
        return f"{self.base}:workers"

    def alive(self, worker: str) -> str:
        return f"{self.base}:alive:{worker}"

    def in_cycle(self, cycle: str, name: str) -> str:
        return f"{self.base}:{cycle}:{name}"

    def lease(self, cycle: str, fingerprint: str) -> str:
        return f"{self.base}:{cycle}:lease:{fingerprint}"

    def host_slots(self, host: str) -> str:
        return f"{self.prefix}:host:{host}"

    def host_next(self, host: str) -> str:
        return f"{self.prefix}:hostnext:{host}"

    def cycle_keys(self, cycle: str) -> list[str]:
        return [self.in_cycle(cycle, name) for name in
                ("seen", "inflight", "owners", "fps", "scores", "done", "fetched",
                 "rejected")]
