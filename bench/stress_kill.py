"""Kill-and-recover stress: the test suite's crash loop, for many more rounds.

Each round starts a real crawl of the loopback mock site into one data folder and kills it,
either after a random delay (SIGKILL) or inside a record write at a random record (the
PALIMPSEST_FAULTS hook), then checks that every finished WARC and every committed index row
verifies. Every other round repairs at once (verify --repair's logic); the others leave the
repair to the next crawl's start. At the end: repair, strict verify, and the index compared
with one rebuilt from the WARCs alone.

    .venv/bin/python bench/stress_kill.py [--rounds 200] [--seed N]
"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from mockserver import MockSite  # noqa: E402
from test_crash import busy_seeds, open_files, start_crawl, table_rows  # noqa: E402

from archive.verify.consistency import bring_in_line  # noqa: E402
from archive.verify.data import verify_data  # noqa: E402
from archive.verify.reindex import rebuild  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tally = {"timed kills": 0, "mid-record kills": 0, "finished before the kill": 0,
             "torn bytes dropped": 0, "files quarantined": 0, "repairs that rebuilt": 0}
    failures = []
    started = time.monotonic()
    with MockSite() as site, tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "data"
        for round_ in range(args.rounds):
            site.a.set_variant("flood-count", ("v1", "twin", "edit")[round_ % 3])
            seeds = busy_seeds(Path(scratch) / "s.toml", site, round_)
            if round_ % 4 == 3:
                crawl = start_crawl(seeds, data, f"warc-write:kill@{rng.randint(2, 150)}")
                crawl.wait(timeout=300)
                killed = "mid-record kills"
            else:
                crawl = start_crawl(seeds, data)
                time.sleep(rng.uniform(0.2, 3.0))
                crawl.send_signal(signal.SIGKILL)
                crawl.wait(timeout=60)
                killed = "timed kills"
            crawl.stdout.close()
            crawl.stderr.close()
            tally[killed if crawl.returncode == -signal.SIGKILL
                  else "finished before the kill"] += 1
            report = verify_data(data, live=True)
            if not report.ok:
                failures.append((round_, [str(d) for d in report.all_defects()][:3]))
            if round_ % 2:
                done = bring_in_line(data, thorough=True)
                tally["torn bytes dropped"] += sum(r.dropped_bytes for r in done.recovered
                                                   if not r.quarantined)
                tally["files quarantined"] += sum(r.quarantined for r in done.recovered)
                tally["repairs that rebuilt"] += done.rebuilt
            print(f"round {round_ + 1}/{args.rounds}: {killed}, exit {crawl.returncode}, "
                  f"{'ok' if report.ok else 'DEFECTS'}", flush=True)
        done = bring_in_line(data, thorough=True)
        final = verify_data(data)
        assert not open_files(data)
        live = table_rows(data / "index.sqlite")
        verify_started = time.monotonic()
        verify_data(data)
        verify_seconds = time.monotonic() - verify_started
        size = sum(p.stat().st_size for p in data.rglob("*.warc.gz"))
        rebuild(data)
        same = table_rows(data / "index.sqlite") == live
        captures = sqlite3.connect(data / "index.sqlite").execute(
            "SELECT count(*) FROM captures").fetchone()[0]
    print(f"\n{args.rounds} rounds in {time.monotonic() - started:.0f} s (seed {args.seed})")
    for name, count in tally.items():
        print(f"  {name}: {count}")
    print(f"  captures indexed: {captures}; WARC bytes: {size}")
    print(f"  strict verify of the folder: {verify_seconds:.2f} s "
          f"({size / max(verify_seconds, 1e-9) / 1e6:.1f} MB/s compressed)")
    print(f"  rounds whose finished files or rows failed verify: {len(failures)}")
    print(f"  final verify: {'ok' if final.ok else 'DEFECTS'}; index equals a rebuild: {same}")
    for round_, defects in failures[:5]:
        print(f"  round {round_}: {defects}")
    return 0 if final.ok and same and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
