"""Peak memory of a crawl that meets decompression bombs, against the size of the bomb.

Each crawl runs in its own process against the loopback mock site and fetches one gzip bomb
(/bomb/gzip?mib=N: N MiB of zeros, about 1 KB on the wire per MiB). The figure is the child's
peak resident set (ru_maxrss from wait4). If decompression were not capped, memory would grow
with N; with DOWNLOAD_MAXSIZE it stays flat.

    .venv/bin/python bench/bomb_memory.py [--sizes 64,256,1024,4096] [--maxsize BYTES]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from crawling import FAST, write_seeds  # noqa: E402
from mockserver import MockSite  # noqa: E402


def peak_rss_mib(seeds: Path, data: Path, extra: list[str]) -> tuple[float, int]:
    process = subprocess.Popen([sys.executable, "-m", "archive.cli", "crawl", str(seeds),
                                "--data", str(data), "--allow-private", "-q", *FAST, *extra],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="64,256,1024,4096", help="bomb sizes in MiB")
    parser.add_argument("--maxsize", type=int, default=None, help="DOWNLOAD_MAXSIZE override")
    args = parser.parse_args()
    extra = ["-s", f"DOWNLOAD_MAXSIZE={args.maxsize}"] if args.maxsize else []
    with MockSite() as site, tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        plain = write_seeds(base / "plain.toml", [(site.a.url + "/plain", "page")])
        rss, code = peak_rss_mib(plain, base / "d0", extra)
        print(f"{'no bomb (/plain)':>22}: peak RSS {rss:7.1f} MiB (exit {code})")
        for mib in (int(size) for size in args.sizes.split(",")):
            seeds = write_seeds(base / f"b{mib}.toml",
                                [(f"{site.a.url}/bomb/gzip?mib={mib}", "page")])
            rss, code = peak_rss_mib(seeds, base / f"d{mib}", extra)
            print(f"{f'gzip bomb {mib} MiB':>22}: peak RSS {rss:7.1f} MiB (exit {code})")


if __name__ == "__main__":
    main()
