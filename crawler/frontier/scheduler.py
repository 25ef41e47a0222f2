"""scrapy-redis's scheduler and priority queue, with a lease per URL per cycle.

What scrapy-redis 0.9.1 gives as is, with Scrapy 2.19: the scheduler interface (from_crawler,
open, close, enqueue_request, next_request, has_pending_requests), request serialisation
the sorted-set priority queue and the RFPDupeFilter (one Redis set per cycle here). What it
lacks for a crawl that must survive a worker's death, or a stranger's write to Redis, added here:

- Requests travel as checked JSON (archive/frontier/wire.py), never as scrapy-redis's pickle or
  its `request_from_dict` (which imports any class an entry names): whoever can write the
  queue key can at most queue a URL the network guard then judges. An entry that is not one
  of ours is dropped with a counted reason and never reaches the downloader.

- `LeasedPriorityQueue.pop` moves the request into an in-flight hash in the same Redis step
  (archive/frontier/scripts.py POP), instead of deleting it: if the worker dies, the request
  goes back to the queue.
- `LeasedScheduler.next_request` fetches a popped request only under its URL's lease; a URL
  already fetched or leased this cycle is dropped.
- A worker leases at most CONCURRENT_REQUESTS_PER_DOMAIN requests per host at a time, and no
  second one while the host's shared slots are all taken; it puts the rest back. Scrapy pulls
  up to CONCURRENT_REQUESTS requests into its downloader at once: one worker would otherwise
  take a whole host's queue, or fill its capacity with requests waiting for a busy host.
- scrapy-redis passes `spider=` to the stats collector, which Scrapy 2.19 deprecates; the
  counters are kept here instead (palimpsest/frontier/*).
- Retries (same fingerprint, still leased here) stay with this worker; a redirect marks the
  URL that redirected as fetched and queues the new URL like any other request.
- `close` never flushes the shared queue (other workers are using it) and hands back what this
  worker had popped but not finished.
"""

from __future__ import annotations

import logging
import random
from collections import deque
from typing import Any

import redis
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.misc import load_object
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from archive.frontier import Frontier, wire
from archive.net.urls import host_of
from crawler.containment import address_policy, url_refusal
from crawler.frontier.spider import request_finished, shared_frontier

logger = logging.getLogger(__name__)

LEASE_META = "palimpsest_lease"  # (request id, fingerprint) of a request popped here
_MAX_DROPS_PER_CALL = 100  # duplicates skipped per next_request call before yielding
_MAX_SKIPS_PER_CALL = 16  # requests of busy hosts passed over per call


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop records the request as in flight."""

    def __init__(self, server: redis.Redis, spider: Spider, key: str,
                 frontier: Frontier) -> None:
        # The serializer is never used: _encode_request and _decode_request are ours. Passing
        # the wire module keeps scrapy-redis from falling back to pickle if it ever calls it.
        super().__init__(server, spider, key, serializer=wire)
        self.frontier = frontier
        self.policy = address_policy(spider.crawler.settings)
        self._callbacks = {getattr(spider, method).__func__: name
                           for name, method in wire.CALLBACKS.items()}

    def push(self, request: Request) -> None:
        # As scrapy-redis (score = -priority), plus a random fraction below one half: requests
        # of equal priority come out in random order rather than sorted by their pickled bytes
        # (that is, by URL, so host by host), and a worker that passes over a busy host finds
        # another host's request near the top of the queue.
        score = -request.priority + random.random() / 2
        self.server.execute_command("ZADD", self.key, score, self._encode_request(request))

    def pop(self, timeout: int = 0) -> Request | None:
        """The best queued request, now in flight here; None when the queue is empty.

        Raises wire.EntryRejected for an entry that is not a request of ours (already dropped
        from Redis and counted by the frontier)."""
        popped = self.frontier.pop()
        if popped is None:
            return None
        request_id, payload = popped
        try:
            request = self._decode_request(payload)
        except wire.EntryRejected as exc:
            self.frontier.reject(request_id, exc.reason)
            raise
        request.meta[LEASE_META] = (request_id, None)
        return request

    def _encode_request(self, request: Request) -> bytes:
        function = getattr(request.callback, "__func__", None)
        name = self._callbacks.get(function)
        if name is None:  # every request the spider makes has one of its parse_* callbacks
            raise ValueError(f"cannot queue {request.url}: callback {request.callback!r} is "
                             "not one of the spider's parse methods")
        headers = {key: value.decode("latin-1") for key in wire.HEADERS
                   if (value := request.headers.get(key))}
        return wire.dumps(wire.QueuedRequest(
            url=request.url, callback=name, priority=request.priority,
            dont_filter=request.dont_filter, headers=headers, meta=request.meta))

    def _decode_request(self, payload: bytes) -> Request:
        entry = wire.loads(payload)
        refusal = url_refusal(entry.url, self.policy)
        if refusal is not None:
            kind, reason = refusal
            raise wire.EntryRejected(wire.REFUSED_URL, f"{kind}: {reason}")
        spider = self.spider
        return Request(entry.url, callback=getattr(spider, wire.CALLBACKS[entry.callback]),
                       errback=spider.on_error, priority=entry.priority,
                       dont_filter=entry.dont_filter, headers=entry.headers,
                       meta=dict(entry.meta))


class LeasedScheduler(Scheduler):
    """The scrapy-redis scheduler, leasing what it hands to the engine."""

    df: Any  # scrapy-redis's dupefilter (unannotated), set by its __init__ or by open

    def __init__(self, server: redis.Redis, *, frontier: Frontier, per_host: int = 2,
                 **kwargs: Any) -> None:
        kwargs["persist"] = True  # the queue is shared: never flushed by one worker's close
        super().__init__(server, **kwargs)
        self.frontier = frontier
        self.per_host = max(per_host, 1)
        self.local: deque[Request] = deque()  # retries of requests leased here
        self.leased: dict[str, str] = {}  # fingerprint -> request id, in flight here
        self.hosts: dict[str, str] = {}  # fingerprint -> host, of the leased requests
        self.counters: StatsCollector | None = None
        self.rejected_kinds: set[str] = set()  # kinds of rejected entries logged in full

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasedScheduler:
        frontier = shared_frontier(crawler)
        if frontier is None:  # a scheduler cannot be left out: refuse, saying why
            raise NotConfigured("LeasedScheduler serves a shared crawl only (SharedSnapshotSpider "
                                "with its frontier)")
        plain = Scheduler.from_settings(crawler.settings)
        instance = cls(plain.server, frontier=frontier, queue_key=plain.queue_key,
                       queue_cls=plain.queue_cls, dupefilter=plain.df,
                       dupefilter_key=plain.dupefilter_key, dupefilter_cls=plain.dupefilter_cls,
                       idle_before_close=0, serializer=plain.serializer,
                       per_host=crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        instance.counters = crawler.stats
        crawler.signals.connect(instance.finish_request, signal=request_finished)
        return instance

    def open(self, spider: Spider) -> None:
        # As scrapy-redis's open, minus its Spider.log call (deprecated in Scrapy 2.19) and with
        # the leased queue.
        self.spider = spider
        self.queue = LeasedPriorityQueue(self.server, spider, self.queue_key,
                                         frontier=self.frontier)
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)

    def close(self, reason: str) -> None:
        # The extension hands back unfinished requests (Frontier.leave) after the spider closes.
        return None

    def fingerprint(self, request: Request) -> str:
        return str(self.df.request_fingerprint(request))

    def enqueue_request(self, request: Request) -> bool:
        """Queue a request in Redis (scrapy-redis: dupefilter, then push), or keep a retry."""
        lease = request.meta.get(LEASE_META)
        if lease is not None:
            request_id, fingerprint = lease
            if self.fingerprint(request) == fingerprint:
                self.local.append(request)  # a retry: this worker holds the lease
                return True
            # A redirect: the URL that answered 3xx was fetched; the new URL is a new request.
            self.finished(request_id, fingerprint)
            request.meta.pop(LEASE_META)
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.queue.push(request)
        self._count("enqueued")
        return True

    def next_request(self) -> Request | None:
        if self.local:
            return self.local.popleft()
        skipped: list[str] = []
        try:
            for _ in range(_MAX_DROPS_PER_CALL):
                try:
                    request = self.queue.pop()
                except wire.EntryRejected as exc:
                    self._rejected(exc)
                    continue
                if request is None:
                    return None
                request_id, _ = request.meta[LEASE_META]
                host = host_of(request.url)
                mine = sum(1 for h in self.hosts.values() if h == host)
                if mine >= self.per_host or (mine and self.frontier.host_full(host,
                                                                          self.per_host)):
                    # Enough of this host here, or its slots are all taken: this worker's
                    # capacity is better spent on another host; leave the request to others.
                    skipped.append(request_id)
                    if len(skipped) >= _MAX_SKIPS_PER_CALL:
                        return None
                    continue
                fingerprint = self.fingerprint(request)
                if self.frontier.claim(request_id, fingerprint):
                    request.meta[LEASE_META] = (request_id, fingerprint)
                    self.leased[fingerprint] = request_id
                    self.hosts[fingerprint] = host
                    self._count("leased")
                    return request
                self.frontier.finish(request_id, None)  # fetched or leased elsewhere
                self._count("dropped")
            return None
        finally:
            for request_id in skipped:
                self.frontier.put_back(request_id)

    def _rejected(self, exc: wire.EntryRejected) -> None:
        self._count(f"rejected/{exc.reason}")
        # The first of each kind says what it was; the rest are counted (a flood of junk must
        # not flood the log too).
        first = exc.reason not in self.rejected_kinds
        self.rejected_kinds.add(exc.reason)
        logger.log(logging.WARNING if first else logging.DEBUG,
                   "dropped a queue entry that is not a request of ours (%s)", exc)

    def _count(self, name: str) -> None:
        if self.counters is not None:
            self.counters.inc_value(f"palimpsest/frontier/{name}")

    def has_pending_requests(self) -> bool:
        return bool(self.local) or len(self.queue) > 0

    def finished(self, request_id: str, fingerprint: str) -> None:
        """The request was fetched (or failed for good): never fetch its URL again this cycle."""
        if self.leased.pop(fingerprint, None) is None:
            return  # already finished (a response and an errback can both report it)
        self.hosts.pop(fingerprint, None)
        self.frontier.finish(request_id, fingerprint)

    def finish_request(self, request: Request) -> None:
        lease = request.meta.get(LEASE_META)
        if lease is not None and lease[1] is not None:
            self.finished(*lease)
