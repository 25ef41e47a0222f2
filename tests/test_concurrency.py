"""Case 6: many processes read (and a few write) the index while a crawl writes it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from test_crash import busy_seeds, start_crawl

READERS = 8
OPERATIONS = 500


def captures(data: Path) -> int:
    try:
        db = sqlite3.connect(f"file:{data / 'index.sqlite'}?mode=ro", uri=True)
        try:
            return db.execute("SELECT count(*) FROM captures").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def test_case06_eight_processes_read_and_write_the_index_during_a_crawl(tmp_path, mocksite):
    data = tmp_path / "data"
    crawl = start_crawl(busy_seeds(tmp_path / "s.toml", mocksite, 0), data)
    deadline = time.monotonic() + 60
    while captures(data) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    reader = Path(__file__).parent / "index_reader.py"
    stop = tmp_path / "crawl-ended"
    readers = [subprocess.Popen([sys.executable, str(reader), str(data), str(OPERATIONS),
                                 str(number), str(stop)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for number in range(READERS)]
    stdout, stderr = crawl.communicate(timeout=300)
    stop.touch()
    assert crawl.returncode == 0, stderr
    results = []
    for process in readers:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results.append(json.loads(out))
    assert "database is locked" not in stderr
    errors = [error for result in results for error in result["errors"]]
    assert errors == []
    assert all(result["done"] >= OPERATIONS for result in results)
    # The reads really overlapped the crawl's writes: each reader saw new captures committed.
    assert sum(result["last"] > result["first"] for result in results) >= READERS // 2, results
