"""Benchmark the diff engine and the report: ordinary edits, long articles, hostile inputs.

    .venv/bin/python bench/diff_bench.py            # prints a Markdown table for RESULTS.md
    .venv/bin/python bench/diff_bench.py --report 300   # also a report over 300 edited pages

The inputs are generated here (the demo site's fiction, repeated and varied) so the run is
repeatable; each figure is the median of several runs on one core.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from archive.demo import content
from archive.diff.engine import VersionText, diff_texts, diff_versions


def article_text(state: int, key: str = "A") -> VersionText:
    article = content.articles(state)[key]
    body = "\n".join(content.plain_text(p) for p in (article.standfirst, *article.paragraphs))
    return VersionText(article.headline, article.byline, body)


def long_article(paragraphs: int, seed: int) -> tuple[str, str]:
    """A long text built from the demo's paragraphs, and an edited copy: a few words changed
    in one paragraph in twenty, one paragraph in fifty moved, one in a hundred dropped."""
    rng = random.Random(seed)
    pool = [content.plain_text(p) for a in content.articles(1).values() for p in a.paragraphs]
    old = [f"{rng.choice(pool)} (part {n})" for n in range(paragraphs)]
    new = list(old)
    for n in range(0, paragraphs, 20):
        words = new[n].split()
        words[rng.randrange(len(words))] = "revised"
        new[n] = " ".join(words)
    for n in range(5, paragraphs, 50):
        new.insert(rng.randrange(len(new)), new.pop(n))
    new = [p for n, p in enumerate(new) if n % 100 != 99]
    return "\n".join(old), "\n".join(new)


def hostile_inputs() -> dict[str, tuple[str, str]]:
    repeated = ("the flood " * 60_000).strip()
    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(120)]
    tokens = [rng.choice(vocabulary) for _ in range(5_900)]
    edited = [("CHANGED" if n % 300 == 0 else t) for n, t in enumerate(tokens)]
    many = "\n".join(f"Line {n} of a listing page." for n in range(6_000))
    return {
        "600 kB, one phrase repeated, one insertion": (
            repeated, repeated[:300_000] + " levee " + repeated[300_000:]),
        "one paragraph of 5,900 words from 120 distinct ones, 20 edits": (
            " ".join(tokens), " ".join(edited)),
        "6,000 short paragraphs, all reversed": (many, "\n".join(reversed(many.split("\n")))),
        "200 paragraphs, all rewritten (fuzzy move search)": (
            "\n".join(f"Paragraph {n} about district {n} and its shelters." for n in range(200)),
            "\n".join(f"District {n}'s shelters are covered in paragraph {n}."
                      for n in range(199, -1, -1))),
    }


def timed(function, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def engine_rows() -> list[tuple[str, str, str, str]]:
    rows = []
    old, new = article_text(1), article_text(2)
    result = diff_versions(old, new)
    words = len(old.text.split())
    rows.append((f"demo article A ({words} words), 3 figures revised",
                 f"{len(old.text):,}", f"{timed(lambda: diff_versions(old, new)) * 1000:.1f} ms",
                 f"{len(result.figures)} figures, no cap"))
    for count in (100, 1_000):
        a, b = long_article(count, seed=count)
        result = diff_texts(a, b)
        moved = sum(1 for p in result.paragraphs if p.kind == "moved")
        rows.append((f"{count:,} paragraphs, 5% edited, 2% moved, 1% dropped", f"{len(a):,}",
                     f"{timed(lambda: diff_texts(a, b), 3) * 1000:.0f} ms",
                     f"{moved} moved found" + (f"; capped: {len(result.capped)}"
                                               if result.capped else "")))
    for name, (a, b) in hostile_inputs().items():
        result = diff_texts(a, b)
        rows.append((name, f"{len(a):,}", f"{timed(lambda: diff_texts(a, b), 3) * 1000:.0f} ms",
                     f"{len(result.capped)} cap(s) named" if result.capped else "no cap"))
    return rows


def time_report(pages: int):
    """Archive `pages` articles with three versions each through the Archiver, then time
    `build_report` alone: (seconds archiving, seconds reporting, the report's result)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from editarchive import Fetch, archive_fetch

    from archive.archiver import Archiver
    from archive.index import open_index
    from archive.report.site import build_report
    from archive.store.layout import DataLayout

    start = datetime(2026, 11, 3, tzinfo=timezone.utc)
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        texts = [article_text(1).text, article_text(2).text, article_text(2).text + "\nMore."]
        began = time.perf_counter()
        for crawl, text in enumerate(texts):
            archiver = Archiver(data, "bench")
            for n in range(pages):
                url = f"http://127.0.0.1:9/news/{n}"
                archive_fetch(archiver, Fetch(url, 200, f"Headline {n}", text, None),
                              start + timedelta(days=crawl, seconds=n), f"crawl {crawl}")
            archiver.close()
        archived = time.perf_counter() - began
        index = open_index(data, readonly=True)
        began = time.perf_counter()
        result = build_report(index, DataLayout(data), Path(folder) / "site")
        reported = time.perf_counter() - began
        index.close()
    return archived, reported, result


def report_row(pages: int) -> tuple[str, str, str, str]:
    """The report's row of the table: `time_report` over `pages` edited articles."""
    _, seconds, result = time_report(pages)
    return (f"report: {pages} articles x 3 versions ({result.edits} edits)", "",
            f"{seconds:.1f} s", f"{result.pages} pages + index + feed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=int, default=0, metavar="PAGES",
                        help="also time a report over this many edited articles")
    args = parser.parse_args()
    rows = engine_rows()
    if args.report:
        rows.append(report_row(args.report))
    print("| input | chars | median time | result |\n|---|---:|---:|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
