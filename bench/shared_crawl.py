"""One worker against two: a shared crawl (Redis frontier, PostgreSQL index) of slow sites.

Loopback servers on `--hosts` addresses (127.0.0.1, .2, …) each serve `--pages` pages that
answer after `--delay` seconds. Each worker may run CONCURRENT_REQUESTS=`--capacity` requests
at once (a worker's own limit, as its machine's network, CPU or Scrapy settings set it); every
host allows 2 at once across all workers (politeness, shared through Redis). Runs:

- many hosts, one worker, then two: the second worker adds its capacity;
- one host, one worker, then two: politeness caps the host, so a second worker cannot help.

Reports wall time per crawl, pages per second, and the most requests any one host saw at once.
Needs PostgreSQL and Redis on loopback (as the tests do). `make bench` appends the section to
bench/RESULTS.md; `--no-write` prints it only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

from slowsite import SlowSite  # noqa: E402 - after the path set-up

PG = os.environ.get("PALIMPSEST_TEST_PG", "postgresql://root@127.0.0.1:5432/test")
REDIS = os.environ.get("PALIMPSEST_TEST_REDIS", "redis://127.0.0.1:6379/0")


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "archive.cli", *args]


def one_crawl(sites: list[SlowSite], workers: int, capacity: int, tmp: Path) -> dict:
    """A fresh archive crawled by `workers` workers; wall time of the whole cycle."""
    from archive.index.postgres import PostgresIndex

    run = uuid.uuid4().hex[:8]
    url = f"{PG}?schema=bench_{run}"
    index = PostgresIndex(url, check=False)
    index.upgrade()
    seeds = tmp / f"{run}.toml"
    lines = ['collection = "bench"', "[defaults]", "sources = 0"]
    for site in sites:
        for page in site.page_urls():
            lines += ["[[seed]]", f'url = "{page}"', 'type = "page"']
    seeds.write_text("\n".join(lines) + "\n", encoding="utf-8")
    common = ["--data", str(tmp / run), "--index", url, "--redis", REDIS, "--allow-private",
              "--json", "-s", f"PALIMPSEST_REDIS_PREFIX=bench{run}",
              "-s", "AUTOTHROTTLE_ENABLED=false", "-s", "DOWNLOAD_DELAY=0",
              "-s", "PALIMPSEST_EXTRACT_PROCESSES=0", "-s", f"CONCURRENT_REQUESTS={capacity}",
              "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"]
    helpers = [subprocess.Popen(cli("worker", str(seeds), "--name", f"w{n}", "--once",
                                    "--wait", "60", *common),
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
               for n in range(1, workers)]
    time.sleep(2.0 if helpers else 0)  # let the helpers start and wait for the cycle
    for site in sites:
        site.peak = 0
    started = time.monotonic()
    result = subprocess.run(cli("crawl", str(seeds), "--name", "w0", *common),
                            capture_output=True, text=True, timeout=900)
    seconds = time.monotonic() - started
    for helper in helpers:
        helper.communicate(timeout=120)
    index.drop()
    index.close()
    import redis

    client = redis.Redis.from_url(REDIS)
    leftovers = list(client.scan_iter(match=f"bench{run}:*", count=1000))
    if leftovers:
        client.delete(*leftovers)
    client.close()
    summary = json.loads(result.stdout)
    if summary["problems"]:
        raise SystemExit(f"crawl failed: {summary['problems']}\n{result.stderr[-2000:]}")
    return {"seconds": seconds, "pages": sum(summary["cycle_fetched"].values()),
            "shares": summary["cycle_fetched"], "peak": max(site.peak for site in sites)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=6)
    parser.add_argument("--pages", type=int, default=25, help="pages per host")
    parser.add_argument("--delay", type=float, default=0.3)
    parser.add_argument("--capacity", type=int, default=4)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        many = [stack.enter_context(SlowSite(args.pages, args.delay, f"127.0.0.{n + 1}"))
                for n in range(args.hosts)]
        single = [stack.enter_context(SlowSite(args.pages * 2, args.delay, "127.0.0.1"))]
        for label, sites in ((f"{args.hosts} hosts", many), ("1 host", single)):
            for workers in (1, 2):
                outcome = one_crawl(sites, workers, args.capacity, Path(tmp))
                rows.append((label, workers, outcome))
                print(label, workers, outcome, flush=True)
    lines = [f"## One worker against two ({datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC)", "",
             f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}. Run: `make bench` (bench/shared_crawl.py). Pages "
             f"answer after {args.delay} s; each worker runs at most {args.capacity} requests "
             "at once; each host allows 2 at once across all workers (Redis); Redis and "
             "PostgreSQL on loopback. Seconds: the coordinator's whole run, process start "
             "(about 2 s) included; pages: responses archived, each worker's robots.txt "
             "included.", "",
             "| sites | workers | pages | seconds | pages/s | most at once on a host | "
             "pages per worker |", "|---|---|---|---|---|---|---|"]
    for label, workers, outcome in rows:
        shares = ", ".join(f"{k} {v}" for k, v in sorted(outcome["shares"].items()))
        lines.append(f"| {label} | {workers} | {outcome['pages']} | {outcome['seconds']:.1f} | "
                     f"{outcome['pages'] / outcome['seconds']:.1f} | {outcome['peak']} | "
                     f"{shares} |")
    section = "\n".join(lines) + "\n"
    print(section)
    if not args.no_write:
        with (HERE / "RESULTS.md").open("a", encoding="utf-8") as out:
            out.write("\n" + section)


if __name__ == "__main__":
    main()
