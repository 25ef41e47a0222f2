"""The shared queue's wire format: requests travel as checked JSON, and only as that.

No Redis here: the format and the scheduler's conversion to and from Scrapy requests are pure.
The attack against a running cycle is in test_shared_crawl.py.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
import redis
from scrapy import Request
from scrapy.utils.test import get_crawler

from archive.frontier import Frontier, wire
from archive.schedule.seeds import parse_seeds
from crawler.frontier.scheduler import LeasedPriorityQueue
from crawler.frontier.spider import SharedSnapshotSpider

ARTICLE = "https://news.example/2026/12/01/flood"


class _RunsCode:
    """What an attacker would queue: unpickling it runs a shell command."""

    def __reduce__(self):
        import os

        return (os.system, ("touch /tmp/palimpsest-should-never-exist",))


def _entry(**changes) -> bytes:
    document = {"v": 1, "url": ARTICLE, "callback": "page", "priority": 0,
                "dont_filter": False, "headers": {},
                "meta": {"palimpsest": {"seed": 0, "role": "article", "hop": 0}}}
    document.update(changes)
    return json.dumps(document).encode()


def test_a_request_survives_the_trip_with_its_plain_meta_only():
    entry = wire.QueuedRequest(
        url=ARTICLE, callback="page", priority=5, headers={"If-None-Match": '"abc"'},
        meta={"palimpsest": {"seed": 2, "role": "source", "hop": 1,
                             "cited_by": [{"url": ARTICLE, "record_id": "<urn:uuid:1>"}]},
              "redirect_urls": ["http://news.example/old"], "redirect_times": 1,
              "redirect_reasons": [301], "depth": 1, "dont_obey_robotstxt": True,
              # per-process state, never sent: the capture object, a lease, timings
              "palimpsest_capture": object(), "palimpsest_lease": ("id", "fp"),
              "download_latency": 0.2})
    back = wire.loads(wire.dumps(entry))
    assert back.url == ARTICLE and back.callback == "page" and back.priority == 5
    assert back.headers == {"If-None-Match": '"abc"'}
    assert back.meta == {
        "palimpsest": {"seed": 2, "role": "source", "hop": 1,
                       "cited_by": [{"url": ARTICLE, "record_id": "<urn:uuid:1>"}]},
        "redirect_urls": ["http://news.example/old"], "redirect_times": 1,
        "redirect_reasons": [301], "depth": 1, "dont_obey_robotstxt": True}


@pytest.mark.parametrize("payload, reason", [
    (pickle.dumps(_RunsCode()), wire.PICKLE),
    (pickle.dumps({"url": ARTICLE}, protocol=2), wire.PICKLE),
    (b"\xff\xfe garbage", wire.NOT_JSON),
    (b"{not json", wire.NOT_JSON),
    (b"[1, 2]", wire.SHAPE),
    (_entry(v=2), wire.VERSION),
    (_entry(v="1"), wire.VERSION),
    (_entry(callback="close"), wire.SHAPE),
    (_entry(callback="__init__"), wire.SHAPE),
    (_entry(_class="os.system"), wire.SHAPE),
    (_entry(url=""), wire.SHAPE),
    (_entry(url=["x"]), wire.SHAPE),
    (_entry(priority=True), wire.SHAPE),
    (_entry(priority=10**9), wire.SHAPE),
    (_entry(headers={"Cookie": "session=stolen"}), wire.SHAPE),
    (_entry(meta={"palimpsest": {"seed": 0, "role": "admin"}}), wire.SHAPE),
    (_entry(meta={"palimpsest": {"seed": 0}}), wire.SHAPE),
    (_entry(meta={"palimpsest": {"seed": 0, "role": "article", "hop": 99}}), wire.SHAPE),
    (_entry(meta={"proxy": "http://evil.example:3128"}), wire.SHAPE),
    (_entry(meta={"redirect_urls": ["x"] * 500}), wire.SHAPE),
    (b"{" + b" " * wire.MAX_ENTRY_BYTES + b"}", wire.TOO_LARGE),
])
def test_anything_that_is_not_our_entry_is_rejected_with_its_reason(payload, reason):
    with pytest.raises(wire.EntryRejected) as caught:
        wire.loads(payload)
    assert caught.value.reason == reason
    assert not Path("/tmp/palimpsest-should-never-exist").exists()


@pytest.fixture
def queue(tmp_path):
    seedfile = parse_seeds({"seed": [{"url": ARTICLE}]}, tmp_path / "s.toml")
    crawler = get_crawler(SharedSnapshotSpider, {"PALIMPSEST_ALLOW_PRIVATE": False})
    # A client that never connects: the conversions under test do not touch Redis.
    frontier = Frontier(redis.Redis(host="127.0.0.1", port=1), "test")
    spider = SharedSnapshotSpider.from_crawler(crawler, seedfile=seedfile, frontier=frontier)
    return LeasedPriorityQueue(server=None, spider=spider, key="q", frontier=frontier)


def test_the_queue_rebuilds_the_spiders_request(queue):
    spider = queue.spider
    request = Request(ARTICLE, callback=spider.parse_feed, errback=spider.on_error,
                      headers={"If-Modified-Since": "Tue, 01 Dec 2026 08:00:00 GMT",
                               "Cookie": "a=b"},
                      meta={"palimpsest": {"seed": 0, "role": "feed", "hop": 0}}, priority=3)
    back = queue._decode_request(queue._encode_request(request))
    assert back.url == ARTICLE and back.priority == 3
    assert back.callback == spider.parse_feed and back.errback == spider.on_error
    assert back.headers.get("If-Modified-Since") == b"Tue, 01 Dec 2026 08:00:00 GMT"
    assert back.headers.get("Cookie") is None  # added by the receiving worker, if at all
    assert back.meta == {"palimpsest": {"seed": 0, "role": "feed", "hop": 0}}


@pytest.mark.parametrize("url, kind", [
    ("file:///etc/passwd", "scheme"),
    ("gopher://news.example/", "scheme"),
    ("http://169.254.169.254/latest/meta-data/", "address"),
    ("http://127.0.0.1:6379/", "address"),
    ("http://news.example\\@127.0.0.1/", "url"),
])
def test_a_url_the_network_guard_refuses_never_becomes_a_request(queue, url, kind):
    with pytest.raises(wire.EntryRejected) as caught:
        queue._decode_request(_entry(url=url))
    assert caught.value.reason == wire.REFUSED_URL and kind in caught.value.detail


def test_a_request_without_one_of_the_spiders_callbacks_is_not_queued(queue):
    with pytest.raises(ValueError, match="not one of the spider's parse methods"):
        queue._encode_request(Request(ARTICLE, callback=queue.spider.on_error))
