"""Crawl throughput on real pages: trafilatura's evaluation corpus served on loopback.

Generated pages (``bench/newsroom.py``) are good for scale; real pages are what extraction
costs. This benchmark serves the HTML pages of trafilatura's evaluation corpus (about a thousand
real pages, many languages) from a loopback server, each at as many URLs as a run needs (every
copy after the first with an HTML comment at its end, so no two URLs share a payload digest), and
measures in one invocation:

1. the *limit*: trafilatura's ``bare_extraction`` with the project's options
   (``archive.extract.article``) on the same pages on all cores, nothing else;
2. a first ``palimpsest crawl`` of those pages (politeness off: the "site" is our own process);
3. an unchanged recrawl of them (the server answers ``If-None-Match`` with 304);

each on two sizes (default 500 and 2,000 pages), so that the per-page cost (the slope between
the two) is told apart from the fixed start-up (Python, Scrapy, the index; the intercept).
Every figure is a ratio of runs made in the same invocation. A table of CPU per page by stage,
measured in-process on a sample of the pages, says where a page's time goes.

The corpus is read from ``--corpus DIR`` (a checkout's ``tests/`` folder) or else fetched once
from a pinned GitHub archive into ``~/.cache/palimpsest-bench`` (never into the repository).

    .venv/bin/python bench/realpages.py --corpus /path/to/trafilatura/tests
    .venv/bin/python bench/realpages.py --sizes 300,900 --stages 100          # quicker
    .venv/bin/python bench/realpages.py --record                              # RESULTS.md
"""

from __future__ import annotations

import argparse
import hashlib
import io
import multiprocessing
import multiprocessing.synchronize
import os
import platform
import shutil
import socket
import sys
import tarfile
import tempfile
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from stages import (  # noqa: E402 - after the path set-up
    extraction_ratio,
    ratio_line,
    stage_costs,
    stage_table,
)
from throughput import CRAWL_SETTINGS, _versions, run_crawl  # noqa: E402

from archive.extract.article import (  # noqa: E402
    TRAFILATURA_FIXED_OPTIONS,
    TRAFILATURA_OPTIONS,
)
from archive.extract.decode import decode_html  # noqa: E402

# The same commit bench/EXTRACTION.md was measured on.
CORPUS_COMMIT = "e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5"
CORPUS_URL = f"https://github.com/adbar/trafilatura/archive/{CORPUS_COMMIT}.tar.gz"
CACHE = Path.home() / ".cache" / "palimpsest-bench" / f"trafilatura-{CORPUS_COMMIT[:12]}"
MAX_ARCHIVE_BYTES = 400 * 1024 * 1024


# -- the corpus ------------------------------------------------------------------------------

def corpus_pages(folder: Path) -> list[bytes]:
    """The HTML pages under ``folder``/eval and ``folder``/cache, in a fixed order."""
    files = sorted(folder.glob("eval/*.html")) + sorted(folder.glob("cache/*.html"))
    if not files:
        raise SystemExit(f"no HTML pages under {folder}/eval or {folder}/cache")
    return [path.read_bytes() for path in files]


def fetch_corpus() -> Path:
    """The corpus's tests/ folder, downloaded and unpacked into the cache the first time."""
    tests = CACHE / "tests"
    if any(tests.glob("eval/*.html")):
        return tests
    print(f"fetching {CORPUS_URL}", flush=True)
    with urllib.request.urlopen(CORPUS_URL, timeout=120) as response:  # noqa: S310 - pinned
        data = response.read(MAX_ARCHIVE_BYTES + 1)
    if len(data) > MAX_ARCHIVE_BYTES:
        raise SystemExit(f"{CORPUS_URL} is over {MAX_ARCHIVE_BYTES} bytes: not unpacked")
    staging = Path(tempfile.mkdtemp(prefix="corpus-", dir=CACHE.parent if CACHE.parent.exists()
                                    else None))
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():  # only the pages, only as plain files
            parts = Path(member.name).parts
            if (member.isfile() and len(parts) == 4 and parts[1] == "tests"
                    and parts[2] in ("eval", "cache") and parts[3].endswith(".html")
                    and ".." not in parts):
                target = staging / "tests" / parts[2] / parts[3]
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                if source is not None:
                    target.write_bytes(source.read())
    CACHE.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(tests, ignore_errors=True)
    (staging / "tests").rename(tests)
    shutil.rmtree(staging, ignore_errors=True)
    return tests


def body_of(pages: list[bytes], index: int) -> bytes:
    """What URL ``index`` serves: page ``index % len(pages)``, marked apart from its copies."""
    page = pages[index % len(pages)]
    copy = index // len(pages)
    return page + f"\n<!-- copy {copy} -->\n".encode() if copy else page


# -- the site --------------------------------------------------------------------------------

def _handler(pages: list[bytes], count: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            host = self.headers.get("Host", "")
            if self.path == "/sitemap.xml":
                urls = "".join(f"<url><loc>http://{host}/p/{i}</loc></url>" for i in range(count))
                body = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.'
                        f'sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode()
                self._send(200, "application/xml", body)
                return
            number = self.path.removeprefix("/p/")
            if not number.isdigit() or int(number) >= count:
                self._send(404, "text/plain", b"not found")
                return
            body = body_of(pages, int(number))
            etag = f'"{hashlib.sha1(body).hexdigest()}"'
            if self.headers.get("If-None-Match") == etag:
                self._send(304, None, b"", etag)
            else:
                self._send(200, "text/html", body, etag)

        def _send(self, status: int, kind: str | None, body: bytes, etag: str = "") -> None:
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", kind)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return  # quiet: thousands of requests

    return Handler


def _serve(folder: str, count: int, port: int, ready: multiprocessing.synchronize.Event) -> None:
    pages = corpus_pages(Path(folder))
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(pages, count))
    ready.set()
    server.serve_forever()


class Site:
    """The corpus served at ``count`` URLs from a child process on a free loopback port."""

    def __init__(self, folder: Path, count: int) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        ready = multiprocessing.Event()
        self.process = multiprocessing.Process(
            target=_serve, args=(str(folder), count, self.port, ready), daemon=True)
        self.process.start()
        if not ready.wait(60):
            raise RuntimeError("the corpus server did not start")

    def seeds(self, folder: Path) -> Path:
        path = folder / "realpages.toml"
        path.write_text('collection = "realpages"\n[defaults]\nsources = 0\n[[seed]]\n'
                        f'url = "http://127.0.0.1:{self.port}/sitemap.xml"\ntype = "sitemap"\n')
        return path

    def close(self) -> None:
        self.process.terminate()
        self.process.join(10)


# -- the limit -------------------------------------------------------------------------------

def _trafilatura_only(body: bytes) -> float:
    """CPU seconds of trafilatura alone on one page, with the project's options."""
    started = time.process_time()
    try:
        import trafilatura

        trafilatura.bare_extraction(decode_html(body).text, url="http://127.0.0.1/p",
                                    **TRAFILATURA_FIXED_OPTIONS, **TRAFILATURA_OPTIONS)
    except Exception:  # noqa: BLE001 - a page trafilatura gives up on costs what it cost
        pass
    return time.process_time() - started


def run_limit(pages: list[bytes], count: int, processes: int) -> tuple[float, float]:
    """Wall seconds for ``processes`` workers to run trafilatura on the ``count`` bodies the
    site serves (made before the clock starts), and the CPU seconds that took."""
    bodies = [body_of(pages, index) for index in range(count)]
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        list(pool.map(_trafilatura_only, bodies[:processes * 2]))  # workers up and warm
        started = time.perf_counter()
        cpu = sum(pool.map(_trafilatura_only, bodies, chunksize=2))
        return time.perf_counter() - started, cpu


# -- one size --------------------------------------------------------------------------------

def measure(folder: Path, pages: list[bytes], count: int, work: Path) -> dict[str, float]:
    """Limit, first crawl and unchanged recrawl of ``count`` URLs."""
    processes = os.cpu_count() or 1
    limit, limit_cpu = run_limit(pages, count, processes)
    site = Site(folder, count)
    data = work / f"data-{count}"
    try:
        seeds = site.seeds(work)
        first = run_crawl(seeds, data)
        if first["summary"]["fetched"] < count:
            raise RuntimeError(f"first crawl fetched {first['summary']['fetched']} of {count}")
        again = run_crawl(seeds, data, recrawl=True)
        if again["summary"]["unchanged"] < count or again["summary"]["new_versions"]:
            raise RuntimeError(f"the unchanged recrawl was not unchanged: {again['summary']}")
    finally:
        site.close()
        shutil.rmtree(data, ignore_errors=True)
    row = {"pages": count, "limit": limit, "limit_cpu": limit_cpu,
           "first": first["wall"], "first_cpu": first["main_cpu"] + first["worker_cpu"],
           "first_workers_cpu": first["worker_cpu"], "recrawl": again["wall"],
           "recrawl_cpu": again["main_cpu"] + again["worker_cpu"],
           "versions": first["summary"]["new_versions"]}
    print(f"  {count} pages: limit {limit:.1f} s, first crawl {first['wall']:.1f} s "
          f"(x{first['wall'] / limit:.2f}), unchanged recrawl {again['wall']:.1f} s", flush=True)
    return row


def slope(small: dict[str, float], large: dict[str, float], key: str) -> float:
    """Per-page cost of ``key`` between two sizes: the fixed start-up cancels out."""
    return (large[key] - small[key]) / (large["pages"] - small["pages"])


# -- report ----------------------------------------------------------------------------------

def section(rows: list[dict[str, float]], stages: list[dict[str, float]],
            ratio: dict[str, float] | None, corpus_size: int, elapsed: float) -> str:
    small, large = rows[0], rows[-1]
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    per = {key: slope(small, large, key) * 1000 for key in ("limit", "first", "recrawl",
                                                              "first_cpu", "recrawl_cpu",
                                                              "limit_cpu")}
    start_first = small["first"] - small["pages"] * per["first"] / 1000
    start_recrawl = small["recrawl"] - small["pages"] * per["recrawl"] / 1000
    lines = [
        f"## Crawl throughput on real pages (`bench/realpages.py`, {stamp})", "",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores (shared with other work: "
        f"compare ratios, not seconds); Python {platform.python_version()}, {_versions()}. "
        f"trafilatura's evaluation corpus ({corpus_size} HTML pages, commit "
        f"`{CORPUS_COMMIT[:12]}`), each served at as many loopback URLs as a size needs; "
        f"politeness off; one invocation, {elapsed:.0f} s. Limit: trafilatura "
        f"`bare_extraction` with the project's options on {os.cpu_count()} processes. "
        "Times are wall seconds of the whole `palimpsest crawl` process (start-up included).", "",
        "| pages | limit (s) | first crawl (s) | first / limit | unchanged recrawl (s) | "
        "recrawl / first | CPU s: limit | CPU s: first crawl | CPU s: recrawl |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['pages']:,} | {row['limit']:.1f} | {row['first']:.1f} | "
            f"{row['first'] / row['limit']:.2f} | {row['recrawl']:.1f} | "
            f"{row['recrawl'] / row['first']:.3f} | {row['limit_cpu']:.1f} | "
            f"{row['first_cpu']:.1f} | {row['recrawl_cpu']:.1f} |")
    lines += [
        "",
        f"Per page, from the slope between {small['pages']:,} and {large['pages']:,} pages "
        "(the fixed start-up cancels out):", "",
        "| figure | per page (ms) | target |", "|---|---:|---|",
        f"| limit, wall | {per['limit']:.1f} | |",
        f"| first crawl, wall | {per['first']:.1f} | |",
        f"| **first crawl / limit** | **{per['first'] / per['limit']:.2f}** | <= 1.25 |",
        f"| unchanged recrawl, wall | {per['recrawl']:.2f} | |",
        f"| **unchanged recrawl / first crawl** | **{per['recrawl'] / per['first']:.3f}** "
        "| <= 0.1 |",
        f"| CPU: limit / first crawl / recrawl | {per['limit_cpu']:.1f} / "
        f"{per['first_cpu']:.1f} / {per['recrawl_cpu']:.2f} | |",
        "",
        f"Fixed start-up (intercept): first crawl {start_first:.1f} s, unchanged recrawl "
        f"{start_recrawl:.1f} s.", "",
    ]
    if ratio:
        lines += ratio_line(ratio)
    lines += stage_table(stages)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, metavar="DIR",
                        help="trafilatura's tests/ folder (else fetched into the cache)")
    parser.add_argument("--sizes", default="500,2000", help="two crawl sizes, in pages")
    parser.add_argument("--stages", type=int, default=200,
                        help="pages for the per-stage CPU table (0 to skip)")
    parser.add_argument("--record", action="store_true",
                        help="append the section to bench/RESULTS.md")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(",") if size.strip())
    if len(sizes) < 2 or sizes[0] <= 0 or sizes[0] == sizes[-1]:
        parser.error("--sizes takes two different positive page counts, e.g. 500,2000")
    folder = (args.corpus or fetch_corpus()).resolve()
    pages = corpus_pages(folder)
    started = time.perf_counter()
    print(f"real pages: {len(pages)} in the corpus; crawls of {sizes}; "
          f"settings {CRAWL_SETTINGS}", flush=True)
    with tempfile.TemporaryDirectory(prefix="palimpsest-realpages-") as tmp:
        rows = [measure(folder, pages, size, Path(tmp)) for size in sizes]
    stages = stage_costs(pages, args.stages) if args.stages else []
    ratio = extraction_ratio(pages, args.stages) if args.stages else None
    text = section(rows, stages, ratio, len(pages), time.perf_counter() - started)
    print(text)
    if args.record:
        with (HERE / "RESULTS.md").open("a", encoding="utf-8") as results:
            results.write("\n" + text)


if __name__ == "__main__":
    main()
