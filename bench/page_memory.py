"""Peak memory of a crawl that meets one enormous sitemap or one article citing too much.

Each crawl runs in its own process against the loopback mock site (politeness off,
extraction inline, so the one process holds everything) and fetches one seed:

- baseline: /plain, a small page;
- a sitemap seed listing a million URLs (/hostile/sitemap-big, gzipped: about 3 MB on the
  wire, 33 MB inflated);
- an article citing 100,000 pages (/hostile/links), its sources followed.

The figure is the child's peak resident set (ru_maxrss from wait4), and what matters is the
difference from the baseline: the issue asks that no single page or sitemap take more than a
fixed margin (64 MiB) over it. The sitemap's entries and the article's links lead nowhere the
crawl can fetch quickly, so `CLOSESPIDER_TIMEOUT` ends each run a few seconds after its big
page was handled; the requests it queued count, the fetches do not.

    .venv/bin/python bench/page_memory.py [--urls 1000000] [--links 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from crawling import FAST, write_seeds  # noqa: E402
from mockserver import MockSite  # noqa: E402


def crawl_peak(seeds: Path, data: Path, extra: list[str]) -> tuple[float, dict]:
    """Peak RSS in MiB of one crawl, and its JSON summary."""
    process = subprocess.Popen([sys.executable, "-m", "archive.cli", "crawl", str(seeds),
                                "--data", str(data), "--allow-private", "--json", *FAST,
                                *extra], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    output = process.stdout.read()
    _, _, usage = os.wait4(process.pid, 0)
    summary = json.loads(output) if output.strip() else {}
    return usage.ru_maxrss / 1024, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=1_000_000, help="entries of the sitemap")
    parser.add_argument("--links", type=int, default=100_000, help="links of the article")
    args = parser.parse_args()
    stop = ["-s", "CLOSESPIDER_TIMEOUT=8"]
    with MockSite() as site, tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        cases = [
            ("baseline (/plain)", [(site.a.url + "/plain", "page")], {}),
            (f"sitemap of {args.urls:,} URLs",
             [(f"{site.a.url}/hostile/sitemap-big?urls={args.urls}", "sitemap")], {}),
            (f"article citing {args.links:,} pages",
             [(f"{site.a.url}/hostile/links?count={args.links}", "page")], {"sources": 1}),
        ]
        baseline = None
        for number, (label, seeds, defaults) in enumerate(cases):
            seedfile = write_seeds(base / f"s{number}.toml", seeds, **defaults)
            peak, summary = crawl_peak(seedfile, base / f"d{number}", stop)
            baseline = peak if baseline is None else baseline
            print(f"{label:>32}: peak RSS {peak:7.1f} MiB, {peak - baseline:+7.1f} over the "
                  f"baseline; fetched {summary.get('fetched')}, problems "
                  f"{summary.get('seed_problems', []) + summary.get('problems', [])}")


if __name__ == "__main__":
    main()
