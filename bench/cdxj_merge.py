"""What keeping the replay CDXJ current costs: a merge of one crawl's file vs. a full rebuild.

Usage::

    PYTHONPATH=. .venv/bin/python bench/cdxj_merge.py [--files 100] [--captures 200] [--kib 24]

Builds a synthetic collection in a temporary folder: FILES WARC files (as many crawls), each with
CAPTURES article captures (request, response of about KIB KiB of HTML, pageinfo metadata), written
with Palimpsest's own record factory and file writer. Then it times `update_cdxj` three ways:
building the CDXJ from nothing, merging one more crawl's file into it (what every crawl does), and
rebuilding it whole at that size (what `reindex` does). Figures go in bench/CDXJ.md.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import datetime, timedelta, timezone

from archive.archiver import pageinfo
from archive.replay import cdxj
from archive.replay.cdxj import update_cdxj
from archive.store.layout import DataLayout
from archive.warc.records import HttpExchange, RecordFactory
from archive.warc.writer import WarcFileWriter

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
WORDS = ("flood river ministry count injured district council bridge engineers water "
         "statement figure revised homes winter relief army levee report").split()


def page(rng: random.Random, kib: int) -> bytes:
    words = " ".join(rng.choice(WORDS) for _ in range(kib * 1024 // 7))
    return f"<!DOCTYPE html><html><body><article><p>{words}</p></article></body></html>".encode()


def write_crawl(layout: DataLayout, number: int, captures: int, kib: int) -> None:
    when = T0 + timedelta(hours=number)
    factory = RecordFactory(clock=lambda: when)
    writer = WarcFileWriter(layout.archive_dir("bench"), "bench", factory, clock=lambda: when)
    rng = random.Random(number)
    for index in range(captures):
        url = f"https://news.example/{index // 10}/article-{index}"
        exchange = HttpExchange(url=url, status=200, body=page(rng, kib),
                                fetched_at=when + timedelta(seconds=index),
                                response_headers=[("Content-Type", "text/html; charset=utf-8")])
        response_id = factory.new_id()
        response = factory.response(exchange, response_id)
        request = factory.request(exchange, factory.new_id(), concurrent_to=response_id)
        info = pageinfo(role="article", status="ok", text_hash="sha256:" + "0" * 64)
        date = response.rec_headers.get_header("WARC-Date")
        writer.write_group([request, response, factory.metadata(url, response_id, info, date)])
    writer.close()


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--captures", type=int, default=200)
    parser.add_argument("--kib", type=int, default=24)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        layout = DataLayout(folder)
        write_seconds = timed(lambda: [write_crawl(layout, n, args.captures, args.kib)
                                       for n in range(args.files)])
        size = sum(path.stat().st_size for path in layout.warc_files("bench"))
        build = timed(lambda: update_cdxj(layout.root, "bench"))
        lines = layout.cdxj_path("bench").read_text().count("\n")
        write_crawl(layout, args.files, args.captures, args.kib)
        scan = timed(lambda: cdxj.indexed_ends(layout.cdxj_path("bench")))
        merge = timed(lambda: update_cdxj(layout.root, "bench"))
        rebuild = timed(lambda: update_cdxj(layout.root, "bench", rebuild=True))
        print(f"{args.files + 1} WARC files, {size / 2**20:.0f} MiB, {lines} CDXJ lines "
              f"before the last crawl (written in {write_seconds:.0f}s)")
        print(f"build from nothing:           {build:7.2f}s")
        print(f"merge one more crawl's file:  {merge:7.2f}s  (of which reading the CDXJ's "
              f"ends: {scan:.2f}s)")
        print(f"rebuild whole at that size:   {rebuild:7.2f}s")


if __name__ == "__main__":
    main()
