"""Index speed: what the crawl's indexing and the readers' queries cost on each backend.

Writes a synthetic archive through the Archiver (the crawl's own path: WARC write, ingest, batched
commits): `--pages` articles fetched `--visits` times each, every fetch a response or a revisit with
its pageinfo record, a new text every third visit, three cited sources each. Then reads every page's
history (archive/versions/history.py) and the collection's schedule rows, and rebuilds the index
from the WARCs (`palimpsest reindex`). Prints seconds per phase, best of `--repeat` runs.

    .venv/bin/python bench/index_speed.py                  # SQLite (the default path)
    .venv/bin/python bench/index_speed.py --index postgresql://root@127.0.0.1/test?schema=b1

To compare two versions of the code, copy this script into the other tree's bench/ and run it
there with the same interpreter: it imports the tree it sits in.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.archiver import Archiver, pageinfo  # noqa: E402 - after the path set-up
from archive.index import open_index  # noqa: E402
from archive.verify.reindex import rebuild  # noqa: E402
from archive.versions.history import history  # noqa: E402
from archive.warc.records import HttpExchange  # noqa: E402

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def write_archive(data: Path, pages: int, visits: int, url: str | None) -> int:
    """The crawl's path for pages x visits fetches; returns the number of fetches."""
    kwargs = {"index": open_index(data, url=url)} if url else {}
    archiver = Archiver(data, "bench", **kwargs)
    fetches = 0
    try:
        for visit in range(visits):
            for page in range(pages):
                address = f"http://127.0.0.1:9/news/{page}"
                text = visit // 3
                ex = HttpExchange(url=address, status=200,
                                  body=b"<html>page %d text %d</html>" % (page, text),
                                  fetched_at=T0 + timedelta(hours=visit, seconds=page),
                                  response_headers=[("Content-Type", "text/html")])
                capture = archiver.capture(ex)
                fetches += 1
                if capture.kind == "response":
                    data_json = pageinfo(
                        role="article", status="ok",
                        text_hash="sha256:%064x" % (page * 1000 + text),
                        extraction={"title": f"Story {page}"}, seed="http://127.0.0.1:9/",
                        links=[f"http://127.0.0.2:9/s/{page}/{n}" for n in range(3)])
                    archiver.describe(capture, data_json, text=f"Text {text} of {page}")
    finally:
        archiver.close()
    return fetches


def read_back(data: Path, pages: int, url: str | None) -> None:
    # Keyword arguments only when asked for, so the script runs on trees older than --index.
    index = open_index(data, readonly=True, **({"url": url} if url else {}))
    try:
        for page in range(pages):
            history(index, f"http://127.0.0.1:9/news/{page}")
        index.schedule_rows("bench")
    finally:
        index.close()


def one_run(pages: int, visits: int, url: str | None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        if url:
            from archive.index.postgres import PostgresIndex

            fresh = PostgresIndex(url, check=False)
            fresh.drop()
            fresh.upgrade()
            fresh.close()
        started = time.perf_counter()
        write_archive(data, pages, visits, url)
        written = time.perf_counter()
        read_back(data, pages, url)
        read = time.perf_counter()
        rebuild(data, *([url] if url else []))
        rebuilt = time.perf_counter()
        if url:
            from archive.index.postgres import PostgresIndex

            PostgresIndex(url, check=False).drop()
    return {"crawl path": written - started, "history reads": read - written,
            "reindex": rebuilt - read}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--visits", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--index", default=None, help="postgresql:// URL; default SQLite")
    args = parser.parse_args()
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        for phase, seconds in one_run(args.pages, args.visits, args.index).items():
            best[phase] = min(best.get(phase, seconds), seconds)
    backend = "postgresql" if args.index else "sqlite"
    fetches = args.pages * args.visits
    print(f"{backend}: {args.pages} pages x {args.visits} visits = {fetches} fetches, "
          f"best of {args.repeat} ({platform.python_version()}, {os.cpu_count()} cores)")
    for phase, seconds in best.items():
        per = f", {fetches / seconds:.0f} fetches/s" if phase != "history reads" else \
            f", {seconds / args.pages * 1000:.2f} ms per page"
        print(f"  {phase}: {seconds:.2f} s{per}")


if __name__ == "__main__":
    main()
