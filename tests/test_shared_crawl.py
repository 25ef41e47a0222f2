"""Several workers, one crawl: a shared frontier on Redis and the index on PostgreSQL.

Each test runs real worker processes against loopback servers, in a PostgreSQL schema and
under a Redis key prefix of its own (tests/services.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from crawling import FAST, crawl, palimpsest, warc_records, write_seeds
from inprocess import cli
from services import REDIS_BASE, pg_url, redis_prefix  # noqa: F401 - fixtures
from slowsite import SlowSite

from archive.exceptions import LockHeldError
from archive.frontier import Frontier, connect
from archive.index import open_index

pytestmark = pytest.mark.services

LEASE_SECONDS = 2  # short, so a dead worker's requests come back quickly


def shared_args(data: Path, pg: str, prefix: str, *extra: str) -> list[str]:
    return ["--data", str(data), "--index", pg, "--redis", REDIS_BASE, "--allow-private",
            "--json", "-s", f"PALIMPSEST_REDIS_PREFIX={prefix}",
            "-s", f"PALIMPSEST_LEASE_SECONDS={LEASE_SECONDS}", *FAST, *extra]


def start_worker(seeds: Path, name: str, args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "archive.cli", "worker", str(seeds),
                             "--name", name, "--once", "--wait", "30", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def worker_state(prefix: str, collection: str, name: str) -> dict:
    raw = redis.Redis.from_url(REDIS_BASE).hget(f"{prefix}:{collection}:workers", name)
    return json.loads(raw) if raw else {}


def run_pair(seeds: Path, data: Path, pg: str, prefix: str, *extra: str) -> tuple[dict, dict]:
    """Worker `wb` waiting first, then the coordinator `wa`; both summaries."""
    args = shared_args(data, pg, prefix, *extra)
    worker = start_worker(seeds, "wb", args)
    try:
        wait_until(lambda: worker_state(prefix, "test", "wb").get("state") == "waiting")
        coordinator = palimpsest("crawl", str(seeds), "--name", "wa", *args, timeout=180)
        out, err = worker.communicate(timeout=60)
    finally:
        worker.kill()
    assert worker.returncode == 0, err
    return json.loads(coordinator.stdout), json.loads(out)


def archived(data: Path) -> Counter:
    """Response and revisit records per URL, over every worker's files."""
    return Counter(headers.get_header("WARC-Target-URI") for headers, _, _ in
                   warc_records(data) if headers.get_header("WARC-Type") in
                   ("response", "revisit"))


def test_two_workers_archive_every_page_once_with_the_versions_of_one(
        tmp_path, mocksite, pg_url, redis_prefix):  # noqa: F811 - fixtures
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/listing", "listing"),
                                              (mocksite.a.url + "/feed.xml", "feed")],
                        sources=1, source_hosts=["127.0.0.2"])
    single = crawl(seeds, tmp_path / "one")
    assert single["problems"] == []
    mocksite.reset()

    coordinator, worker = run_pair(seeds, tmp_path / "two", pg_url, redis_prefix)
    assert coordinator["problems"] == [] and worker["problems"] == []
    assert coordinator["cycle"] == worker["cycle"]

    one, two = archived(tmp_path / "one"), archived(tmp_path / "two")
    # Pages; not robots.txt nor requisites (under /static/), which each worker fetches for
    # itself, at most once per run (README: Scaling out).
    def is_page(url: str) -> bool:
        return not url.endswith("/robots.txt") and "/static/" not in url

    pages = {url for url in two if is_page(url)}
    assert pages == {url for url in one if is_page(url)}
    assert all(two[url] == 1 for url in pages), two  # each page exactly once
    for server in (mocksite.a, mocksite.b):  # and fetched once, seen from the servers
        paths = Counter(x.path for x in server.sent if is_page(x.path))
        assert paths and max(paths.values()) == 1, paths
    # Each worker wrote its own files, named after it.
    names = [p.name for p in (tmp_path / "two/collections/test/archive").glob("*.warc.gz")]
    assert names and all(n.endswith(("-wa.warc.gz", "-wb.warc.gz")) for n in names)

    index_one = open_index(tmp_path / "one")
    index_two = open_index(tmp_path / "two", url=pg_url)
    try:
        assert sorted(p.url for p in index_one.pages()) == sorted(p.url for p in
                                                                 index_two.pages())
        for page in index_one.pages():
            assert [v.text_hash for v in index_one.versions(page.url)] == \
                [v.text_hash for v in index_two.versions(page.url)], page.url
            assert [c.source_url for c in index_one.citations_from(page.url)] == \
                [c.source_url for c in index_two.citations_from(page.url)]
    finally:
        index_one.close()
        index_two.close()


def test_a_killed_workers_share_is_taken_over(tmp_path, pg_url, redis_prefix):  # noqa: F811
    with SlowSite(pages=20, delay=0.4) as site:
        seeds = write_seeds(tmp_path / "s.toml", [(url, "page") for url in site.page_urls()],
                            sources=0)
        data = tmp_path / "data"
        args = shared_args(data, pg_url, redis_prefix)
        victim = start_worker(seeds, "wb", args)
        wait_until(lambda: worker_state(redis_prefix, "test", "wb").get("state") == "waiting")
        coordinator = subprocess.Popen(
            [sys.executable, "-m", "archive.cli", "crawl", str(seeds), "--name", "wa", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        client = redis.Redis.from_url(REDIS_BASE)
        fetched = f"{redis_prefix}:test:{{}}:fetched"
        try:
            def victim_has_fetched() -> bool:
                cycle = client.hget(f"{redis_prefix}:test:cycle", "id")
                return cycle is not None and int(client.hget(
                    fetched.format(cycle.decode()), "wb") or 0) >= 3
            wait_until(victim_has_fetched)
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait(timeout=10)
            cycle = client.hget(f"{redis_prefix}:test:cycle", "id").decode()
            held = [key for key in client.scan_iter(
                match=f"{redis_prefix}:test:{cycle}:lease:*") if client.get(key) == b"wb"]
            out, err = coordinator.communicate(timeout=120)
        finally:
            coordinator.kill()
            victim.kill()
        summary = json.loads(out)
        assert coordinator.returncode == 0, err
        assert summary["problems"] == [] and summary["finish_reason"] == "finished"
        hits = {url: site.hits[url.removeprefix(site.url)] for url in site.page_urls()}

    # Restarting the dead worker's name recovers its `.open` file and indexes it.
    restart = palimpsest("worker", str(seeds), "--name", "wb", "--once", "--wait", "0",
                         *args)
    assert json.loads(restart.stdout)["finish_reason"] == "no_cycle"
    assert not list((data / "collections/test/archive").glob("*.open"))
    index = open_index(data, url=pg_url)
    try:
        captures = {url: len(index.captures(url)) for url in hits}
    finally:
        index.close()
    # Nothing lost: every page archived and indexed. A request the victim had sent when it died
    # reached the server but was never archived (the server counts it, the archive cannot).
    assert all(1 <= captures[url] <= hits[url] for url in hits), (captures, hits)
    twice = [url for url, count in hits.items() if count > 1]
    # Only what the dead worker held when it died was fetched again, after its lease expired.
    assert all(count <= 2 for count in hits.values())
    assert len(twice) <= min(len(held), 2), (twice, held)


def test_two_workers_keep_the_per_host_limit_together(tmp_path, pg_url,  # noqa: F811
                                                      redis_prefix):  # noqa: F811
    with SlowSite(pages=16, delay=0.3) as site:
        seeds = write_seeds(tmp_path / "s.toml", [(url, "page") for url in site.page_urls()],
                            sources=0)
        coordinator, worker = run_pair(seeds, tmp_path / "data", pg_url, redis_prefix,
                                       "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
        peak, hits = site.peak, dict(site.hits)
    assert coordinator["problems"] == [] and worker["problems"] == []
    shares = coordinator["cycle_fetched"]
    assert shares.get("wa", 0) > 1 and shares.get("wb", 0) > 1, shares  # both worked
    assert peak == 2, peak  # the limit was reached, and never passed, by both together
    assert all(count == 1 for path, count in hits.items() if path != "/robots.txt"), hits

    status = cli("status", "--data", str(tmp_path / "data"), "--index", pg_url,
                 "--redis", REDIS_BASE, "--redis-prefix", redis_prefix, "--json")
    frontier = json.loads(status.stdout)["frontier"]
    assert [entry["collection"] for entry in frontier] == ["test"]
    assert frontier[0]["queued"] == 0 and frontier[0]["cycle"]["state"] == "closed"
    workers = {w["name"]: w for w in frontier[0]["workers"]}
    assert set(workers) == {"wa", "wb"}
    for name, info in workers.items():
        assert not info["alive"] and info["state"] == "stopped"
        assert info["fetched"] == shares[name]
        assert info["last_capture"]["url"].startswith(site.url)
    text = cli("status", "--data", str(tmp_path / "data"), "--index", pg_url,
               "--redis", REDIS_BASE, "--redis-prefix", redis_prefix).stdout
    assert "worker wa" in text and "0 queued" in text


def test_one_name_one_worker_and_one_cycle_at_a_time(redis_prefix):  # noqa: F811
    client = connect(REDIS_BASE)
    first = Frontier(client, "test", prefix=redis_prefix, worker="wa", lease_seconds=5)
    first.register()
    with pytest.raises(LockHeldError, match="already running"):
        Frontier(client, "test", prefix=redis_prefix, worker="wa").register()
    first.open_cycle("2026-11-20T08:00:00Z", False)
    second = Frontier(client, "test", prefix=redis_prefix, worker="wb", lease_seconds=5)
    second.register()
    with pytest.raises(LockHeldError, match="still running"):
        second.open_cycle("2026-11-20T08:00:00Z", False)
    first.leave()  # the coordinator is gone: its cycle is abandoned, a new one opens
    assert second.open_cycle("2026-11-20T09:00:00Z", False) != first.cycle
    second.leave()


def test_a_worker_that_cannot_start_stops_instead_of_looping(tmp_path):
    seeds = write_seeds(tmp_path / "s.toml", [("http://127.0.0.1:9/", "page")])
    result = palimpsest("worker", str(seeds), "--data", str(tmp_path), "--redis",
                        "redis://127.0.0.1:1/0", "--name", "wz", check=False, timeout=60)
    assert result.returncode == 2 and "cannot reach Redis" in result.stderr
    bad_name = palimpsest("worker", str(seeds), "--data", str(tmp_path), "--redis", REDIS_BASE,
                          "--name", "no-dashes", "--once", check=False, timeout=60)
    assert bad_name.returncode == 2 and "worker name 'no-dashes'" in bad_name.stderr


class _Marker:
    """A pickle whose loading runs a shell command: what the attack queues."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


def test_what_a_stranger_writes_into_the_queue_runs_nothing_and_fetches_nothing(
        tmp_path, pg_url, redis_prefix):  # noqa: F811 - fixtures
    import pickle

    marker = tmp_path / "code-ran"
    with SlowSite(pages=8, delay=0.3) as site:
        seeds = write_seeds(tmp_path / "s.toml", [(url, "page") for url in site.page_urls()],
                            sources=0)
        data = tmp_path / "data"
        coordinator = subprocess.Popen(
            [sys.executable, "-m", "archive.cli", "crawl", str(seeds), "--name", "wa",
             *shared_args(data, pg_url, redis_prefix)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        client = redis.Redis.from_url(REDIS_BASE)
        try:
            wait_until(lambda: client.hget(f"{redis_prefix}:test:cycle", "seeded") == b"1")
            stranger = json.dumps({"v": 1, "url": "file:///etc/passwd", "callback": "page",
                                   "meta": {"palimpsest": {"seed": 0, "role": "article"}}})
            client.zadd(f"{redis_prefix}:test:requests", {
                pickle.dumps(_Marker(marker)): -100,        # runs code when unpickled
                stranger: -99,                               # a URL the guard refuses
                b"x" * (10 * 1024 * 1024): -98,              # 10 MB
                b"\x00\x01 not a request": -97,             # garbage
            })
            out, err = coordinator.communicate(timeout=120)
        finally:
            coordinator.kill()
        hits = dict(site.hits)
    summary = json.loads(out)
    assert not marker.exists()
    assert summary["rejected_entries"] == {"pickle": 1, "refused-url": 1, "too-large": 1,
                                           "not-json": 1}, summary
    assert summary["finish_reason"] == "finished" and summary["fetched"] == 8
    assert coordinator.returncode == 1  # told, not silent: the problem line names Redis
    assert [p for p in summary["problems"] if "not requests of ours" in p] == \
        summary["problems"], summary["problems"]
    assert all(hits.get(f"/page/{n}") == 1 for n in range(8)), hits
    assert set(hits) <= {f"/page/{n}" for n in range(8)} | {"/robots.txt"}, hits

    status = cli("status", "--data", str(data), "--index", pg_url, "--redis",
                 REDIS_BASE, "--redis-prefix", redis_prefix, "--json")
    cycle = json.loads(status.stdout)["frontier"][0]["cycle"]
    assert cycle["state"] == "closed"
    assert cycle["rejected"] == summary["rejected_entries"]


def test_requests_an_older_version_pickled_are_dropped_and_planned_afresh(
        tmp_path, mocksite, pg_url, redis_prefix):  # noqa: F811 - fixtures
    import pickle

    client = redis.Redis.from_url(REDIS_BASE)
    client.zadd(f"{redis_prefix}:test:requests",
                {pickle.dumps({"url": mocksite.a.url + "/article/1"}, protocol=4): 0})
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/listing", "listing")],
                        sources=0)
    result = palimpsest("crawl", str(seeds), "--name", "wa",
                        *shared_args(tmp_path / "data", pg_url, redis_prefix))
    summary = json.loads(result.stdout)
    assert summary["dropped_old_entries"] == 1 and summary["problems"] == []
    assert summary["rejected_entries"] == {} and summary["new_versions"] >= 1


def test_status_reports_what_it_cannot_read_in_redis_instead_of_crashing(
        tmp_path, redis_prefix):  # noqa: F811 - fixtures
    client = redis.Redis.from_url(REDIS_BASE)
    client.hset(f"{redis_prefix}:test:cycle", mapping={"id": "x; rm -rf /", "state": "open"})
    client.hset(f"{redis_prefix}:test:workers", mapping={
        "wa": b"\x80\x04 pickled", "wb": json.dumps({"host": "h", "last_beat": "soon"}),
        "wc": json.dumps({"host": "h", "pid": 7, "state": "idle", "last_beat": time.time(),
                          "fetched": 3})})
    result = cli("status", "--data", str(tmp_path), "--redis", REDIS_BASE, "--redis-prefix",
                 redis_prefix, check=False)
    assert result.exit_code == 0, result.output
    assert "the cycle in Redis is unreadable (no valid cycle id)" in result.output
    assert "worker wa: its heartbeat is not one a worker writes" in result.output
    assert "worker wb: its heartbeat is not one a worker writes" in result.output
    assert "worker wc on h gone, idle" in result.output
