"""Crash safety: crawls killed at random moments, a full disk, a crash between the WARC and the
index, a stop by SIGINT, and repair under a running crawl. Real crawl subprocesses on loopback.

Faults at exact points come from archive.store.faults (PALIMPSEST_FAULTS), the rest from SIGKILL.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawling import FAST, warc_records, write_seeds
from inprocess import cli

from archive.exceptions import ArchiveWriteError
from archive.store.lock import DataLock
from archive.verify.consistency import bring_in_line
from archive.verify.data import verify_data
from archive.verify.reindex import rebuild
from archive.warc.writer import OPEN_SUFFIX

KILL_ITERATIONS = int(os.environ.get("PALIMPSEST_KILL_ITERATIONS", "24"))


def start_crawl(seeds: Path, data: Path, faults: str = "", *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PALIMPSEST_FAULTS": faults}
    return subprocess.Popen(
        [sys.executable, "-m", "archive.cli", "crawl", str(seeds), "--data", str(data),
         "--allow-private", "--json", *FAST,
         # A keep-alive connection the mock server closed as idle is retried, not a failure.
         "-s", "RETRY_TIMES=2", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def open_files(data: Path) -> list[Path]:
    return sorted(data.glob(f"collections/*/archive/*{OPEN_SUFFIX}"))


def table_rows(path: Path) -> dict:
    db = sqlite3.connect(path)
    rows = {table: db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("pages", "captures", "versions", "citations", "warc_files")}
    db.close()
    return rows


def busy_seeds(path: Path, site, iteration: int, listing: bool = True) -> Path:
    """Enough pages that a crawl writes for a few seconds: articles (extracted inline), large
    bodies that are new URLs each round, and a listing."""
    urls = [(f"{site.a.url}/articles/{name}?n={n}", "page")
            for n in range(12) for name in ("flood-count", "dam-review", "winter-warning")]
    urls += [(f"{site.a.url}/big?bytes={150_000 + 997 * n}&round={iteration}", "page")
             for n in range(25)]
    if listing:
        urls.append((f"{site.a.url}/listing", "listing"))
    return write_seeds(path, urls, sources=0)


def assert_finished_files_verify(data: Path) -> None:
    """What must hold at any moment after a kill, before any repair: every finished WARC
    passes the strict check, and every committed index row reads back whole."""
    report = verify_data(data, live=True)
    assert report.ok, [str(d) for d in report.all_defects()][:5]


def test_case01_crawls_killed_at_random_moments_lose_nothing_finished(tmp_path, mocksite):
    rng = random.Random(int(os.environ.get("PALIMPSEST_KILL_SEED", "20261125")))
    data = tmp_path / "data"
    kills = {"timed": 0, "mid-record": 0, "finished": 0}
    for iteration in range(KILL_ITERATIONS):
        mocksite.a.set_variant("flood-count", ("v1", "twin", "edit")[iteration % 3])
        seeds = busy_seeds(tmp_path / "s.toml", mocksite, iteration)
        if iteration % 4 == 3:  # a kill inside a record write, at a random record
            crawl = start_crawl(seeds, data, faults=f"warc-write:kill@{rng.randint(2, 120)}")
            crawl.wait(timeout=120)
            kills["mid-record" if crawl.returncode == -signal.SIGKILL else "finished"] += 1
        else:
            crawl = start_crawl(seeds, data)
            time.sleep(rng.uniform(0.3, 2.2))
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(timeout=60)
            kills["timed" if crawl.returncode == -signal.SIGKILL else "finished"] += 1
        crawl.stdout.close()
        crawl.stderr.close()
        assert_finished_files_verify(data)
        if iteration % 2:  # repair now; on even rounds the next crawl's start repairs
            bring_in_line(data, thorough=True)
            assert not open_files(data)
            report = verify_data(data)
            assert report.ok, [str(d) for d in report.all_defects()][:5]
    assert kills["timed"] + kills["mid-record"] >= KILL_ITERATIONS * 3 // 4, kills
    repaired = cli("verify", "--repair", "--data", str(data), check=False)
    assert repaired.exit_code == 0, repaired.stdout + repaired.stderr
    assert not open_files(data)
    assert cli("verify", "--data", str(data), check=False).exit_code == 0
    # The index the crashes left equals the index the WARCs alone give (G2).
    live = table_rows(data / "index.sqlite")
    rebuild(data)
    assert table_rows(data / "index.sqlite") == live
    assert live["captures"], "the crawls archived nothing: the test proved nothing"


def test_case02_disk_full_mid_record_rolls_back_stops_and_exits_74(tmp_path, mocksite):
    seeds = busy_seeds(tmp_path / "s.toml", mocksite, 0)
    data = tmp_path / "data"
    crawl = start_crawl(seeds, data, faults="warc-write:enospc@40")
    stdout, stderr = crawl.communicate(timeout=120)
    assert crawl.returncode == 74, stderr
    summary = json.loads(stdout)
    assert summary["finish_reason"] == "warc_write_failed"
    assert "No space left on device" in summary["archive_error"]
    assert "No space left on device" in stderr
    assert not open_files(data)  # closed cleanly, at the last whole record
    report = verify_data(data)
    assert report.ok, [str(d) for d in report.all_defects()]
    records = warc_records(data)
    kinds = [r[0].get_header("WARC-Type") for r in records]
    # The failed record and the request beside it were rolled back together: no orphans.
    assert kinds.count("request") == kinds.count("response") + kinds.count("revisit")
    rows = sqlite3.connect(data / "index.sqlite").execute(
        "SELECT count(*) FROM captures").fetchone()[0]
    assert rows == kinds.count("response") + kinds.count("revisit")
    assert 0 < rows < len(mocksite.a.sent)  # it stopped early, with what it had indexed


def test_case02_a_group_write_that_fails_leaves_neither_record(tmp_path, monkeypatch):
    import errno

    from archive.warc.records import HttpExchange, RecordFactory
    from archive.warc.writer import WarcFileWriter

    writer = WarcFileWriter(tmp_path, "full", RecordFactory())
    make = writer.factory
    ex = HttpExchange(url="http://news.example/a", status=200, response_headers=[],
                      body=b"<p>x</p>" * 500)

    def group():
        response_id = make.new_id()
        return [make.request(ex, make.new_id(), concurrent_to=response_id),
                make.response(ex, response_id)]

    writer.write_group(group())
    [open_file] = tmp_path.glob(f"*{OPEN_SUFFIX}")
    size = open_file.stat().st_size
    real_write, calls = os.write, []

    def second_write_fails(fd, data):
        calls.append(len(data))
        if len(calls) == 2:  # the request went through; the response meets a full disk
            real_write(fd, bytes(data)[: len(data) // 3])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", second_write_fails)
    with pytest.raises(ArchiveWriteError, match="No space left"):
        writer.write_group(group())
    monkeypatch.setattr(os, "write", real_write)
    assert open_file.stat().st_size == size  # neither the request nor half a response
    writer.close()
    assert verify_data_of(tmp_path)


def verify_data_of(directory: Path) -> bool:
    from archive.verify.files import check_file

    return all(not check_file(path).defects for path in directory.glob("*.warc.gz"))


def test_case03_a_crash_between_the_warc_and_the_index_is_caught_up(tmp_path, mocksite):
    seeds = busy_seeds(tmp_path / "s.toml", mocksite, 0)
    data = tmp_path / "data"
    crawl = start_crawl(seeds, data, faults="index-commit:kill@2")
    crawl.communicate(timeout=120)
    assert crawl.returncode == -signal.SIGKILL
    [torn] = open_files(data)
    written = warc_records_in(torn)
    committed = sqlite3.connect(data / "index.sqlite").execute(
        "SELECT count(*) FROM captures").fetchone()[0]
    assert committed < written  # records on disk that the index never got
    assert_finished_files_verify(data)
    after = start_crawl(write_seeds(tmp_path / "one.toml",
                                    [(mocksite.a.url + "/plain", "page")]), data)
    after.communicate(timeout=120)
    assert after.returncode == 0
    assert verify_data(data).ok
    live = table_rows(data / "index.sqlite")
    rebuild(data)
    assert table_rows(data / "index.sqlite") == live
    assert len(live["captures"]) >= written + 1


def warc_records_in(path: Path) -> int:
    from archive.verify.files import check_file

    return sum(1 for r in check_file(path).records
               if r.ok and r.get("WARC-Type") in ("response", "revisit"))


def test_case04_one_sigint_stops_cleanly_and_the_next_run_fetches_every_seed(tmp_path,
                                                                             mocksite):
    # Slow pages keep the crawl busy without keeping the CPU busy.
    seeds = write_seeds(tmp_path / "s.toml", [(f"{mocksite.a.url}/slow?seconds=0.25&n={n}",
                                               "page") for n in range(24)])
    data = tmp_path / "data"
    # Few requests in flight, so a graceful stop leaves some seeds unfetched.
    crawl = start_crawl(seeds, data, "", "-s", "CONCURRENT_REQUESTS=3")
    deadline = time.monotonic() + 60
    while not open_files(data) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    crawl.send_signal(signal.SIGINT)
    stdout, stderr = crawl.communicate(timeout=120)
    summary = json.loads(stdout)
    assert crawl.returncode == 1 and summary["finish_reason"] == "shutdown"
    assert summary["fetched"] < summary["seeds"]  # it really was stopped half-way
    assert "crawl ended early: shutdown" in stderr
    assert not open_files(data) and verify_data(data).ok
    again = start_crawl(seeds, data)
    stdout, stderr = again.communicate(timeout=120)
    summary = json.loads(stdout)
    assert again.returncode == 0, stderr
    # Every seed ends in one state: fetched, refused or failed; none is left "seen".
    assert summary["fetched"] + summary["failed"] + summary["refused"] == summary["seeds"]


def test_case05_repair_never_runs_under_a_crawl_and_verify_tells_live_from_crashed(
        tmp_path, mocksite):
    data = tmp_path / "data"
    archive = data / "collections" / "test" / "archive"
    archive.mkdir(parents=True)
    leftover = archive / ("test-20261125000000000-00001.warc.gz" + OPEN_SUFFIX)
    leftover.write_bytes(b"")
    with DataLock(data / "crawl.lock"):  # a crawl is running and writing that file
        repair = cli("verify", "--repair", "--data", str(data), check=False)
        assert repair.exit_code == 75 and leftover.exists()
        live = cli("verify", "--data", str(data), check=False)
        assert live.exit_code == 0 and "being written by the running crawl" in live.stderr
    crashed = cli("verify", "--data", str(data), check=False)
    assert crashed.exit_code == 1 and "left open by an interrupted crawl" in crashed.stdout
    fixed = cli("verify", "--repair", "--data", str(data), check=False)
    assert fixed.exit_code == 0 and not leftover.exists()


@pytest.mark.parametrize("faults", ["warc-write:sometimes@3", "warc-write:kill@x"])
def test_a_malformed_fault_plan_is_refused(faults):
    result = subprocess.run([sys.executable, "-c", "import archive.store.faults"],
                            env={**os.environ, "PALIMPSEST_FAULTS": faults},
                            capture_output=True, text=True)
    assert result.returncode != 0 and "PALIMPSEST_FAULTS" in result.stderr
