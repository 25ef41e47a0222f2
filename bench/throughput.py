"""Crawl throughput against the physical limit, unchanged recrawls, and memory as crawls grow.

The unavoidable work of archiving an article is extracting its text. The *limit* is trafilatura
(through ``archive.extract.article.extract_page``, exactly as the crawl calls it) extracting the
same pages on all cores, with no fetching, hashing, WARC writing or indexing. Every other figure is
a ratio against a run made in the same invocation, so a busy machine moves both sides.

Phases (each crawl is a real ``palimpsest crawl`` subprocess against ``bench/newsroom.py``
served on loopback, with politeness delays off because the "site" is our own process):

1. limit vs crawl, ``--runs`` times, medians: time(crawl) / time(limit).
2. unchanged recrawls: once with conditional requests answered 304, once with a server that
   ignores them (same bytes, so the payload digest is unchanged and nothing is extracted):
   time against the first crawl, and bytes added to the data folder per page.
3. peak memory of crawls of 1k, 5k and 20k pages (``--memory``), the crawl process alone and
   with its extraction workers.

    .venv/bin/python bench/throughput.py                     # print only
    .venv/bin/python bench/throughput.py --record            # and append to bench/RESULTS.md
    .venv/bin/python bench/throughput.py --pages 500 --runs 1 --memory 1000,2000   # quick
    .venv/bin/python bench/throughput.py --profile crawl.svg  # flame graph of one crawl
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from newsroom import page_html, serve  # noqa: E402 - after the path set-up

from archive.extract.article import extract_page  # noqa: E402

PALIMPSEST = [sys.executable, "-m", "archive.cli"]
# Our own server on loopback: no politeness delay, and enough requests in flight to keep the
# extraction workers fed. Everything else is the shipped configuration.
CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    # This newsroom serves no pictures or stylesheets (its requisites would all be 404s);
    # bench/requisites.py measures the crawl with requisites a site really serves.
    "PALIMPSEST_REQUISITES_ENABLED": "False",
    "PALIMPSEST_SCREENSHOTS": "False",
}

EXTRA_SETTINGS: dict[str, str] = {}  # --set NAME=VALUE: try a setting's effect


# -- the site ----------------------------------------------------------------------------------

class Site:
    """The newsroom server in a child process, on a free loopback port."""

    def __init__(self, pages: int, etags: bool = True, port: int | None = None) -> None:
        self.pages, self.etags, self.port = pages, etags, port
        if port is None:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
        ready = multiprocessing.Event()
        self.process = multiprocessing.Process(
            target=serve, args=("127.0.0.1", self.port, pages, etags, ready), daemon=True)
        self.process.start()
        if not ready.wait(30):
            raise RuntimeError("the newsroom server did not start")

    def seeds(self, folder: Path) -> Path:
        path = folder / "bench.toml"
        path.write_text('collection = "bench"\n[defaults]\nsources = 0\n[[seed]]\n'
                        f'url = "http://127.0.0.1:{self.port}/sitemap.xml"\ntype = "sitemap"\n')
        return path

    def close(self) -> None:
        self.process.terminate()
        self.process.join(10)


# -- measuring a crawl -------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                text = Path(f"/proc/{current}/task/{task}/children").read_text()
                kids = [int(k) for k in text.split()]
                found.extend(kids)
                stack.extend(kids)
        except OSError:
            continue
    return found


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far, from /proc/PID/stat."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_crawl(seeds: Path, data: Path, *, recrawl: bool = False) -> dict:
    """One `palimpsest crawl`: wall time, peak memory and CPU seconds of the crawl process and
    of its extraction workers (sampled every 50 ms, so the last 50 ms of a worker's CPU may be
    missed)."""
    command = [*PALIMPSEST, "crawl", str(seeds), "--data", str(data), "--allow-private",
               "--json", "--quiet"]
    if recrawl:
        command.append("--all")
    for name, value in {**CRAWL_SETTINGS, **EXTRA_SETTINGS}.items():
        command += ["--set", f"{name}={value}"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    main_peak = tree_peak = 0
    cpu: dict[int, float] = {}
    while process.poll() is None:
        main_peak = max(main_peak, _status_kib(process.pid, "VmHWM"))
        kids = _children(process.pid)
        tree_peak = max(tree_peak, _status_kib(process.pid, "VmRSS") + sum(
            _status_kib(kid, "VmRSS") for kid in kids))
        for pid in (process.pid, *kids):
            cpu[pid] = max(cpu.get(pid, 0.0), _cpu_seconds(pid))
        time.sleep(0.05)
    out, err = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"crawl failed ({process.returncode}):\n{out}\n{err[-3000:]}")
    summary = json.loads(out)
    main_cpu = cpu.pop(process.pid, 0.0)
    return {"wall": wall, "seconds": summary["seconds"], "summary": summary,
            "main_peak_mib": main_peak / 1024, "tree_peak_mib": tree_peak / 1024,
            "main_cpu": main_cpu, "worker_cpu": sum(cpu.values())}


def profile_crawl(pages: int, work: Path, output: Path) -> None:
    """One first crawl under py-spy (the bench extras install it), as a flame graph of the
    crawl process. `--gil` keeps only samples holding the GIL: the crawl process's own CPU,
    without the threads that wait on the extraction workers."""
    site = Site(pages)
    try:
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        command = [spy, "record", "--gil", "--rate", "200", "--output", str(output), "--",
                   *PALIMPSEST, "crawl", str(site.seeds(work)), "--data", str(work / "profiled"),
                   "--allow-private", "--json", "--quiet"]
        for name, value in {**CRAWL_SETTINGS, **EXTRA_SETTINGS}.items():
            command += ["--set", f"{name}={value}"]
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    finally:
        site.close()
    print(f"flame graph of the crawl process: {output}")


def folder_bytes(folder: Path) -> tuple[int, int]:
    """Bytes of WARC files, and of everything else (index, CDXJ, logs), in a data folder."""
    warc = other = 0
    for path in folder.rglob("*"):
        if path.is_file():
            if ".warc" in path.name:
                warc += path.stat().st_size
            else:
                other += path.stat().st_size
    return warc, other


def _checkpoint(data: Path) -> None:
    """Fold SQLite's write-ahead log into the database, so file sizes mean rows."""
    import sqlite3
    with sqlite3.connect(data / "index.sqlite") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def bytes_added(data: Path, before: tuple[int, int], pages: int) -> tuple[float, float]:
    _checkpoint(data)
    warc, other = folder_bytes(data)
    return (warc - before[0]) / pages, (other - before[1]) / pages


# -- the limit ---------------------------------------------------------------------------------

def _extract_body(args: tuple[bytes, str]) -> tuple[str, float]:
    body, url = args
    started = time.process_time()
    status = extract_page(body, url, "text/html; charset=utf-8").status
    return status, time.process_time() - started


def run_limit(pages: int, processes: int) -> tuple[float, float]:
    """Seconds for `processes` workers to extract all pages (bodies made before the clock),
    and the CPU seconds the extraction itself took."""
    bodies = [(page_html(i, pages), f"http://127.0.0.1/news/{i}") for i in range(pages)]
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        list(pool.map(_extract_body, bodies[:processes * 2]))  # workers up and warm
        started = time.perf_counter()
        results = list(pool.map(_extract_body, bodies, chunksize=4))
        elapsed = time.perf_counter() - started
    ok = sum(status == "ok" for status, _ in results)
    if ok != pages:
        raise RuntimeError(f"only {ok} of {pages} pages extracted ok")
    return elapsed, sum(cpu for _, cpu in results)


# -- gzip level and calibration -------------------------------------------------------------

def gzip_levels(bodies: list[bytes]) -> list[dict]:
    """Compress response records of these bodies at each level, as the WARC writer does (one
    gzip member per record): CPU ms per record and size against level 9 (warcio's)."""
    import zlib

    from archive.warc.records import HttpExchange, RecordFactory
    from archive.warc.writer import serialize_record

    factory = RecordFactory()
    records = []  # serialised once: a warcio record's stream can be read only once
    for i, body in enumerate(bodies):
        exchange = HttpExchange(f"http://127.0.0.1/news/{i}", 200,
                                [("Content-Type", "text/html; charset=utf-8"),
                                 ("Content-Length", str(len(body)))], body)
        records.append(serialize_record(factory.response(exchange, factory.new_id()), None))
    raw = sum(map(len, records))
    pages = len(records)
    rows = []
    for level in range(1, 10):
        started = time.process_time()
        size = 0
        for record in records:  # what archive.warc.writer.serialize_record does after warcio
            compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
            size += len(compressor.compress(record) + compressor.flush())
        rows.append({"level": level, "ms": (time.process_time() - started) / pages * 1000,
                     "ratio": size / raw, "size": size})
    nine = rows[-1]["size"]
    for row in rows:
        row["vs9"] = row["size"] / nine
    return rows


def calibration(corpus: Path, sample: int = 300) -> dict:
    """Size and extraction CPU of real pages (trafilatura's test corpus) against ours."""
    files = sorted(corpus.glob("eval/*.html")) + sorted(corpus.glob("cache/*.html"))
    if not files:
        raise SystemExit(f"no HTML pages under {corpus}/eval or {corpus}/cache")
    step = max(1, len(files) // sample)
    real = [(path.read_bytes(), "http://example.com/page") for path in files[::step][:sample]]
    ours = [(page_html(i, sample), f"http://127.0.0.1/news/{i}") for i in range(sample)]
    figures = {}
    for name, pages in (("real", real), ("generated", ours)):
        cpu = [_extract_body(page)[1] for page in pages]
        sizes = [len(body) for body, _ in pages]
        shapes = [dom_shape(body) for body, _ in pages]
        figures[name] = {"pages": len(pages), "kb": statistics.median(sizes) / 1024,
                         "ms": statistics.median(cpu) * 1000,
                         "mean_ms": statistics.mean(cpu) * 1000,
                         "elements": statistics.median(n for n, _ in shapes),
                         "elements_p90": _p90([n for n, _ in shapes]),
                         "depth": statistics.median(d for _, d in shapes),
                         "depth_p90": _p90([d for _, d in shapes])}
    figures["levels"] = gzip_levels([body for body, _ in real])
    return figures


def dom_shape(body: bytes) -> tuple[int, int]:
    """Elements in a page and its deepest nesting, as the extractor parses it."""
    from archive.extract.decode import decode_html
    from archive.extract.links import parse_html

    tree = parse_html(decode_html(body).text)
    if tree is None:
        return 0, 0
    elements = list(tree.iter())
    return len(elements), max(sum(1 for _ in el.iterancestors()) for el in elements)


def _p90(values: list[int]) -> int:
    return sorted(values)[int(len(values) * 0.9)]


# -- phases ------------------------------------------------------------------------------------

def throughput(pages: int, runs: int, work: Path) -> dict:
    processes = os.cpu_count() or 1
    limits, crawls, walls, limit_cpu, main_cpu, worker_cpu = [], [], [], [], [], []
    recrawl_304, recrawl_same, bytes_304, bytes_same = [], [], [], []
    for run in range(runs):
        seconds, cpu = run_limit(pages, processes)
        limits.append(seconds)
        limit_cpu.append(cpu)
        site = Site(pages)
        try:
            data = work / f"run{run}"
            seeds = site.seeds(work)
            first = run_crawl(seeds, data)
            fetched = first["summary"]["fetched"]
            if first["summary"]["new_versions"] < pages:
                raise RuntimeError(f"first crawl made {first['summary']['new_versions']} "
                                   f"versions of {pages} pages: {first['summary']}")
            crawls.append(first["seconds"])
            walls.append(first["wall"])
            main_cpu.append(first["main_cpu"])
            worker_cpu.append(first["worker_cpu"])
            ratio, added = unchanged_recrawl(seeds, data, pages, first["seconds"], fetched)
            recrawl_304.append(ratio)
            bytes_304.append(added)
        finally:
            site.close()
        # Same URLs, same bytes, no validators: only the payload digest can tell.
        site = Site(pages, etags=False, port=site.port)
        try:
            ratio, added = unchanged_recrawl(site.seeds(work), data, pages, first["seconds"],
                                             fetched)
            recrawl_same.append(ratio)
            bytes_same.append(added)
        finally:
            site.close()
        shutil.rmtree(data)
        print(f"  run {run + 1}: limit {limits[-1]:.1f} s ({limit_cpu[-1]:.1f} CPU s), crawl "
              f"{crawls[-1]:.1f} s (wall {walls[-1]:.1f} s; CPU s: crawl process "
              f"{main_cpu[-1]:.1f}, workers {worker_cpu[-1]:.1f}), recrawl 304 "
              f"x{recrawl_304[-1]:.3f}, same bytes x{recrawl_same[-1]:.3f}", flush=True)
    ratios = [crawl / limit for crawl, limit in zip(crawls, limits)]
    return {"pages": pages, "processes": processes, "limit": limits, "crawl": crawls,
            "wall": walls, "ratio": ratios, "limit_cpu": limit_cpu, "main_cpu": main_cpu,
            "worker_cpu": worker_cpu, "recrawl_304": recrawl_304,
            "recrawl_same": recrawl_same, "bytes_304": bytes_304, "bytes_same": bytes_same}


def unchanged_recrawl(seeds: Path, data: Path, pages: int, first_seconds: float,
                      fetched: int) -> tuple[float, tuple[float, float]]:
    """Recrawl everything from an unchanged site: time against the first crawl, and the WARC
    and other bytes it added per fetched page."""
    _checkpoint(data)
    before = folder_bytes(data)
    result = run_crawl(seeds, data, recrawl=True)
    summary = result["summary"]
    if summary["unchanged"] < pages or summary["new_versions"]:
        raise RuntimeError(f"the unchanged recrawl was not unchanged: {summary}")
    return result["seconds"] / first_seconds, bytes_added(data, before, fetched)


def memory(sizes: list[int], work: Path) -> list[dict]:
    rows = []
    for pages in sizes:
        site = Site(pages)
        try:
            result = run_crawl(site.seeds(work), work / f"mem{pages}")
        finally:
            site.close()
        shutil.rmtree(work / f"mem{pages}")
        rows.append({"pages": pages, "seconds": result["seconds"],
                     "main": result["main_peak_mib"], "tree": result["tree_peak_mib"]})
        print(f"  {pages} pages: {result['seconds']:.1f} s, crawl process peak "
              f"{result['main_peak_mib']:.0f} MiB, with workers {result['tree_peak_mib']:.0f} MiB",
              flush=True)
    return rows


# -- report ------------------------------------------------------------------------------------

def _versions() -> str:
    names = ("scrapy", "trafilatura", "warcio", "lxml")
    return ", ".join(f"{name} {metadata.version(name)}" for name in names)


def section(result: dict, mem: list[dict], levels: list[dict], calibrated: dict | None,
            elapsed: float) -> str:
    med = statistics.median
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sizes = [len(page_html(i, result["pages"])) for i in range(result["pages"])]
    warc_304, rest_304 = zip(*result["bytes_304"])
    warc_same, rest_same = zip(*result["bytes_same"])
    lines = [
        f"## Crawl throughput, recrawls and memory (`bench/throughput.py`, {stamp})", "",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores; Python "
        f"{platform.python_version()}, {_versions()}. {result['pages']} generated article pages "
        f"(median {med(sizes) / 1024:.0f} KB, {min(sizes) // 1024}-{max(sizes) // 1024} KB) "
        f"from `bench/newsroom.py` on loopback; {len(result['ratio'])} runs, medians; "
        f"{elapsed:.0f} s in all. Run: `make bench`.", "",
        "| figure | runs | median | target |", "|---|---|---:|---|",
        f"| limit: extraction only, {result['processes']} processes (s) | "
        f"{_list(result['limit'])} | {med(result['limit']):.1f} | |",
        f"| crawl, first visit (s) | {_list(result['crawl'])} | {med(result['crawl']):.1f} | |",
        f"| CPU s: limit's extraction | {_list(result['limit_cpu'])} | "
        f"{med(result['limit_cpu']):.1f} | |",
        f"| CPU s: crawl's extraction workers | {_list(result['worker_cpu'])} | "
        f"{med(result['worker_cpu']):.1f} | |",
        f"| CPU s: crawl process (fetch, WARC, index) | {_list(result['main_cpu'])} | "
        f"{med(result['main_cpu']):.1f} | |",
        f"| **crawl / limit** | {_list(result['ratio'], 2)} | **{med(result['ratio']):.2f}** "
        "| <= 1.25 |",
        f"| unchanged recrawl, 304s / first crawl | {_list(result['recrawl_304'], 3)} | "
        f"**{med(result['recrawl_304']):.3f}** | <= 0.2 |",
        f"| WARC bytes added per unchanged page (304) | {_list(warc_304, 0)} | "
        f"**{med(warc_304):.0f}** | <= 1024 |",
        f"| index, CDXJ and log bytes added per unchanged page (304) | {_list(rest_304, 0)} | "
        f"{med(rest_304):.0f} | |",
        f"| unchanged recrawl, same bytes (200) / first crawl | "
        f"{_list(result['recrawl_same'], 3)} | {med(result['recrawl_same']):.3f} | |",
        f"| WARC bytes added per unchanged page (200, revisit) | {_list(warc_same, 0)} | "
        f"{med(warc_same):.0f} | |",
        f"| index, CDXJ and log bytes added per unchanged page (200) | {_list(rest_same, 0)} | "
        f"{med(rest_same):.0f} | |",
        "",
    ]
    if mem:
        base = mem[0]
        lines += ["| pages crawled | crawl (s) | peak RSS, crawl process (MiB) | vs first | "
                  "peak RSS with extraction workers (MiB) |", "|---:|---:|---:|---:|---:|"]
        lines += [f"| {row['pages']:,} | {row['seconds']:.1f} | {row['main']:.0f} | "
                  f"{row['main'] / base['main']:.2f}x | {row['tree']:.0f} |" for row in mem]
        lines.append("")
    if levels:
        lines += _levels_table("generated pages", levels)
    if calibrated:
        real, ours = calibrated["real"], calibrated["generated"]
        lines += [f"Calibration against {real['pages']} real pages of trafilatura's test corpus: "
                  f"median {real['kb']:.0f} KB, extraction median {real['ms']:.1f} ms (mean "
                  f"{real['mean_ms']:.1f}); generated pages: median {ours['kb']:.0f} KB, "
                  f"{ours['ms']:.1f} ms (mean {ours['mean_ms']:.1f}). Elements per page, median "
                  f"(90th percentile): real {real['elements']:.0f} ({real['elements_p90']}), "
                  f"generated {ours['elements']:.0f} ({ours['elements_p90']}); deepest "
                  f"nesting: real {real['depth']:.0f} ({real['depth_p90']}), generated "
                  f"{ours['depth']:.0f} ({ours['depth_p90']}).", ""]
        lines += _levels_table(f"the {real['pages']} real pages", calibrated["levels"])
    return "\n".join(lines)


def _levels_table(what: str, levels: list[dict]) -> list[str]:
    lines = [f"Gzip level of WARC records, on {what} (response records, one gzip member each, "
             "as written; `PALIMPSEST_WARC_GZIP_LEVEL`):", "",
             "| level | CPU ms per record | compressed / raw | size vs level 9 |",
             "|---:|---:|---:|---:|"]
    lines += [f"| {row['level']} | {row['ms']:.2f} | {row['ratio']:.3f} | {row['vs9']:.3f} |"
              for row in levels]
    return lines + [""]


def _list(values: list[float], digits: int = 1) -> str:
    return ", ".join(f"{value:.{digits}f}" for value in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="pages per throughput run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory", default="1000,5000,20000",
                        help="crawl sizes for the memory figures ('' to skip)")
    parser.add_argument("--levels", type=int, default=300,
                        help="pages for the gzip level table (0 to skip)")
    parser.add_argument("--calibrate", type=Path, metavar="TESTS_DIR",
                        help="trafilatura's tests/ folder: compare real pages with ours")
    parser.add_argument("--profile", type=Path, metavar="SVG",
                        help="only profile one crawl of --pages pages with py-spy, to SVG")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a crawl setting to try (e.g. PALIMPSEST_WARC_GZIP_LEVEL=1)")
    parser.add_argument("--record", action="store_true",
                        help="append the section to bench/RESULTS.md")
    args = parser.parse_args()
    EXTRA_SETTINGS.update(item.split("=", 1) for item in args.set)
    started = time.perf_counter()
    if args.profile:
        with tempfile.TemporaryDirectory(prefix="palimpsest-bench-") as tmp:
            profile_crawl(args.pages, Path(tmp), args.profile.resolve())
        return
    with tempfile.TemporaryDirectory(prefix="palimpsest-bench-") as tmp:
        work = Path(tmp)
        print(f"throughput: {args.pages} pages x {args.runs} runs", flush=True)
        result = throughput(args.pages, args.runs, work)
        sizes = [int(size) for size in args.memory.split(",") if size.strip()]
        print(f"memory: crawls of {sizes}", flush=True)
        mem = memory(sizes, work)
    print("gzip levels", flush=True)
    levels = gzip_levels([page_html(i, args.levels) for i in range(args.levels)]) \
        if args.levels else []
    calibrated = calibration(args.calibrate) if args.calibrate else None
    text = section(result, mem, levels, calibrated, time.perf_counter() - started)
    print(text)
    if args.record:
        with (HERE / "RESULTS.md").open("a", encoding="utf-8") as results:
            results.write("\n" + text)


if __name__ == "__main__":
    main()
