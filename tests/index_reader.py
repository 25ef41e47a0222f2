"""A reader process for the concurrency test: mixed index reads (and a few writes) while a
crawl writes. Prints one JSON line: operations done, errors met, captures seen first and last.

    python tests/index_reader.py DATA_DIR OPERATIONS SEED STOP_FILE

It does at least OPERATIONS operations, and goes on until it has seen the crawl commit new
captures or STOP_FILE exists (the crawl ended), so its reads overlap the crawl's writes
however slowly the processes start.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.exceptions import NotFoundError  # noqa: E402
from archive.index import SqliteIndex, open_index  # noqa: E402
from archive.store.layout import DataLayout  # noqa: E402
from archive.versions.history import history, version_at  # noqa: E402


def main(data: Path, operations: int, seed: int, stop: Path) -> dict:
    rng = random.Random(seed)
    layout = DataLayout(data)
    reader = open_index(data, readonly=True)
    writer = SqliteIndex(layout.index_path)  # another writer beside the crawl, as a report job
    errors: list[str] = []
    first = reader.counts()["captures"]
    done = 0
    number = 0
    deadline = time.monotonic() + 120
    while number < operations or (reader.counts()["captures"] == first and not stop.exists()
                                   and time.monotonic() < deadline):
        number += 1
        try:
            choice = rng.random()
            if choice < 0.2:
                # A job that reads, then writes what it read (a report marking its progress):
                # the read-then-write pattern that fails at once without BEGIN IMMEDIATE.
                writer.begin()
                seen = writer.db.execute("SELECT count(*) FROM captures").fetchone()[0]
                writer.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                  (f"reader-{os.getpid()}", f"{number}:{seen}"))
                writer.commit()
            else:
                urls = [row[0] for row in reader.db.execute(
                    "SELECT url FROM pages ORDER BY random() LIMIT 3")]
                for url in urls:
                    if choice < 0.5:
                        history(reader, url)
                    elif choice < 0.8:
                        try:
                            version_at(reader, layout, url)  # reads the text from the WARC
                        except NotFoundError:
                            pass  # no version yet (extraction failed, or not described yet)
                    else:
                        reader.captures(url)
                        reader.counts()
            done += 1
        except Exception as exc:  # every error is reported, none is expected
            errors.append(f"{type(exc).__name__}: {exc}")
    last = reader.counts()["captures"]
    reader.close()
    writer.close()
    return {"done": done, "errors": errors[:20], "first": first, "last": last}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]),
                          Path(sys.argv[4]))))
