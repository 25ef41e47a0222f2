"""Verify speed: `palimpsest verify` on many tiny records, against their number.

Writes a data folder through the Archiver (the crawl's own path: WARC records and the index)
holding `--captures` tiny responses, each with its request record (so twice as many records),
then times `verify_data` on it, index checks included. Run at two sizes to see whether the
time grows with the records (linear) or faster; prints records, seconds and records per second.

    .venv/bin/python bench/verify_speed.py [--captures 5000,50000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.archiver import Archiver  # noqa: E402 - after the path set-up
from archive.verify.data import verify_data  # noqa: E402
from archive.warc.records import HttpExchange  # noqa: E402

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def write_archive(data: Path, captures: int) -> None:
    archiver = Archiver(data, "bench")
    try:
        for number in range(captures):
            archiver.capture(HttpExchange(
                url=f"http://127.0.0.1:9/tiny/{number}", status=200, body=b"%d" % number,
                fetched_at=T0 + timedelta(seconds=number),
                response_headers=[("Content-Type", "text/plain")]))
    finally:
        archiver.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", default="5000,50000",
                        help="comma-separated numbers of captures (two records each)")
    args = parser.parse_args()
    for captures in (int(n) for n in args.captures.split(",")):
        with tempfile.TemporaryDirectory() as scratch:
            data = Path(scratch)
            started = time.monotonic()
            write_archive(data, captures)
            written = time.monotonic() - started
            started = time.monotonic()
            report = verify_data(data)
            seconds = time.monotonic() - started
            records = report.records
            print(f"{records:>8} records: written in {written:6.1f} s, verified in "
                  f"{seconds:6.1f} s ({records / seconds:,.0f} records/s), "
                  f"{len(report.defects)} defects")


if __name__ == "__main__":
    main()
