"""The demo site, crawled through its three states by one worker (SQLite, no servers) and by two
workers sharing Redis and PostgreSQL: the same history, the same diffs and changes, and every
capture of the shared crawl readable from its worker's WARC file for replay."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawling import palimpsest
from services import REDIS_BASE, pg_url, redis_prefix  # noqa: F401 - fixtures
from warcio.archiveiterator import ArchiveIterator

from archive.demo.site import DemoSite
from archive.demo.tour import FAST_LOCAL, STATES
from archive.index import open_index
from archive.store.layout import DataLayout
from archive.versions.changes import list_changes
from archive.versions.edits import EditReader

pytestmark = pytest.mark.services


def edits_of(data: Path, url: str | None) -> dict:
    """Versions, diffs and changes, without the times and record IDs that differ per run."""
    index = open_index(data, url=url)
    reader = EditReader(index, DataLayout(data))
    try:
        pages = {}
        for page in index.pages():
            diffs = [(d.old.version.text_hash, d.new.version.text_hash, d.to_json()["ops"],
                      d.to_json()["figures"], d.to_json()["words"])
                     for d in reader.history(page.url)]
            pages[page.url] = {"state": page.state, "changes": page.changes, "diffs": diffs,
                               "versions": [v.text_hash for v in index.versions(page.url)]}
        changes = sorted((c.event.kind, c.url) for c in list_changes(reader))
        return {"pages": pages, "changes": changes}
    finally:
        index.close()


def wait_for_waiting_child(prefix: str, name: str, seen: set[int],
                           worker: subprocess.Popen, timeout: float = 60) -> int:
    """The pid of the worker's child process that is now waiting for a cycle (a new one)."""
    import redis

    from archive.frontier.keys import FrontierKeys

    client = redis.Redis.from_url(REDIS_BASE)
    key = FrontierKeys(prefix, "demo").workers
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert worker.poll() is None, worker.stderr.read()
        raw = client.hget(key, name)
        info = json.loads(raw) if raw else {}
        if info.get("state") == "waiting" and info.get("pid") not in seen:
            return info["pid"]
        time.sleep(0.1)
    raise AssertionError(f"worker {name} never waited for a cycle: {info}")


def test_two_workers_archive_the_demo_like_one(tmp_path, pg_url, redis_prefix):  # noqa: F811
    site = DemoSite(port=0).start()
    seeds = tmp_path / "demo.toml"
    seeds.write_text(site.seeds_toml(), encoding="utf-8")
    one, two = tmp_path / "one", tmp_path / "two"
    shared = ["--data", str(two), "--index", pg_url, "--redis", REDIS_BASE, "--allow-private",
              "-s", f"PALIMPSEST_REDIS_PREFIX={redis_prefix}", "-s",
              "PALIMPSEST_LEASE_SECONDS=5", "-s", "PALIMPSEST_EXTRACT_PROCESSES=0", *FAST_LOCAL]
    # A long-running worker: one child process per cycle, as on a real second machine.
    worker = subprocess.Popen([sys.executable, "-m", "archive.cli", "worker", str(seeds),
                               "--name", "wb", *shared], start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    shares, children = [], set()
    try:
        for state, _ in STATES:
            site.set_state(state)
            palimpsest("crawl", str(seeds), "--data", str(one), "--allow-private", "--all",
                       "--json", "-s", "PALIMPSEST_EXTRACT_PROCESSES=0", *FAST_LOCAL)
            # On a loaded machine the worker's next child can take seconds to start: the
            # coordinator opens the cycle only once that child waits for it.
            children.add(wait_for_waiting_child(redis_prefix, "wb", children, worker))
            summary = json.loads(palimpsest("crawl", str(seeds), "--name", "wa", "--all",
                                            "--json", *shared, timeout=300).stdout)
            assert summary["problems"] == [], summary
            shares.append(summary["cycle_fetched"])
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        site.stop()
    assert any(share.get("wb") for share in shares), shares  # the second worker took part

    single, pair = edits_of(one, None), edits_of(two, pg_url)
    assert pair == single
    assert any(page["diffs"] for page in single["pages"].values())
    assert {kind for kind, _ in single["changes"]} == {"edited", "removed", "restored"}

    # Replay reads each capture from the file and offset the index gives, whichever worker
    # wrote it.
    index = open_index(two, url=pg_url)
    archive_dir = DataLayout(two).archive_dir("demo")
    try:
        captures = list(index.iter_captures())
        assert {c.warc_file.rsplit("-", 1)[1] for c in captures} == {"wa.warc.gz", "wb.warc.gz"}
        for capture in captures:
            with (archive_dir / capture.warc_file).open("rb") as stream:
                stream.seek(capture.warc_offset)
                record = next(iter(ArchiveIterator(stream)))
                assert record.rec_headers.get_header("WARC-Target-URI") == capture.url
                assert record.rec_headers.get_header("WARC-Record-ID") == capture.record_id
    finally:
        index.close()
    names = sorted(p.name for p in archive_dir.glob("*.warc.gz"))
    assert names == sorted(names, key=lambda n: n.split("-")[1])  # names sort by time
