"""Score trafilatura option sets on trafilatura's own evaluation corpus, the way we extract.

Usage::

    git clone https://github.com/adbar/trafilatura /tmp/trafilatura   # or any export of it
    PYTHONPATH=. python bench/extraction_options.py /tmp/trafilatura/tests [--limit N] [--jobs N]

The corpus (``tests/evaldata.json``, ``tests/cache/*.html``, ``tests/eval/*.html``) annotates each
page with up to six snippets its main text must contain ("with") and up to six it must not
("without"). A "with" snippet found is a true positive, a "without" snippet found a false positive;
precision, recall and F1 follow. Whitespace is collapsed on both sides before matching.

Each page is decoded with ``archive.extract.decode.decode_html`` (no HTTP header, as for a saved
file) and the text is extracted with ``archive.extract.article.TRAFILATURA_FIXED_OPTIONS`` plus the
candidate options, as ``archive.extract.article`` does. One extra row feeds trafilatura the raw
bytes instead, to compare its own charset guessing with ours. Columns beyond the scores:

* failed: pages that would not be an ``ok`` extraction (no result, or under ``MIN_BODY_WORDS``);
* unstable: sampled pages whose later extractions in the same process differ from the first;
* false versions: the figure that matters most to an archive. Each page is extracted in two
  variants that differ only in boilerplate we inject (a ticker "Updated 5 minutes ago" or "2 hours
  ago", a "Most read" rail with other headlines, an ad slot with another id), as two captures of an
  unedited article would be. It counts pages where both variants are ``ok`` and their text hashes
  differ: a new version the reader would see for no edit;
* leaked: pages where injected boilerplate reached an ``ok`` text at all.

Nothing here is committed data: the pages stay in the caller's checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import trafilatura

from archive.extract.article import (
    MIN_BODY_WORDS,
    TRAFILATURA_FIXED_OPTIONS,
    extract_html,
    word_count,
)
from archive.extract.decode import decode_html
from archive.extract.normalize import text_hash

# name -> (options on top of the fixed ones, feed trafilatura bytes instead of our decoded text)
OPTION_SETS: dict[str, tuple[dict[str, Any], bool]] = {
    "balanced": ({}, False),
    "balanced, raw bytes in": ({}, True),
    "balanced, no tables": ({"include_tables": False}, False),
    "precision": ({"favor_precision": True}, False),
    "precision, no tables": ({"favor_precision": True, "include_tables": False}, False),
    "recall": ({"favor_recall": True}, False),
    "fast": ({"fast": True}, False),
    "fast, precision": ({"fast": True, "favor_precision": True}, False),
    "balanced, deduplicate": ({"deduplicate": True}, False),
}
# Not an option set: the whole of archive.extract.article.extract_html (trafilatura with the
# chosen options, then the standfirst and the blocks recovered inside the body), as archived.
ARCHIVED = "as archived (extract_page)"
# Every n-th page is extracted again a few times per option set, as a crawl re-fetches an unchanged
# article: the text must not depend on what the process extracted before.
STABILITY_SAMPLE_EVERY = 10
REPEATS = 4

# Two captures of one unedited article: (ticker, "Most read" headlines, ad slot id).
CHURN = [
    (
        "Live: budget vote. Updated 5 minutes ago",
        ["Ferry timetable changes for summer", "Harbour wall repairs finish early"],
        "div-gpt-ad-1715673600-0",
    ),
    (
        "Live: promotion parade. Updated 2 hours ago",
        ["Library opening hours to be cut", "Farmers market moves indoors for winter"],
        "div-gpt-ad-1715789321-4",
    ),
]
INJECTED = [snippet for ticker, headlines, _ in CHURN for snippet in [ticker, *headlines]]


@dataclass
class Tally:
    """Confusion counts and costs of one option set over the corpus."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    failed: int = 0
    unstable: int = 0
    false_versions: int = 0
    leaked: int = 0
    seconds: float = 0.0
    pages: int = 0

    def add(self, other: Tally) -> None:
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    def f1(self) -> float:
        p, r = self.precision(), self.recall()
        return 2 * p * r / (p + r) if p + r else 0.0


def collapse(text: str) -> str:
    return " ".join(text.split())


def body_text(html: str | bytes, url: str, options: dict[str, Any] | None) -> str | None:
    """The body text archive.extract.article would get for this page; None if trafilatura gave
    up. ``options`` None: the headline and text ``extract_html`` archives (the text hash covers
    both), None unless it is ``ok``."""
    if options is None:
        assert isinstance(html, str)
        extraction = extract_html(html, url)
        if extraction.status != "ok":
            return None
        return f"{extraction.title}\n{extraction.text}" if extraction.title else extraction.text
    try:
        document = trafilatura.bare_extraction(
            html, url=url, **{**TRAFILATURA_FIXED_OPTIONS, **options}
        )
    except Exception:  # noqa: BLE001 - a crash counts as no result, as it would in production
        return None
    return None if document is None else (document.text or "")


def is_ok(text: str | None) -> bool:
    return text is not None and word_count(text) >= MIN_BODY_WORDS


def with_boilerplate(html: str, variant: int) -> str:
    """The page with one variant of the churning boilerplate injected around its content."""
    ticker, headlines, ad_id = CHURN[variant]
    items = "".join(f'<li><a href="/news/{i}">{h}</a></li>' for i, h in enumerate(headlines))
    rail = f'<aside class="rail"><h2>Most read</h2><ol>{items}</ol></aside>'
    rail += f'<div class="ad-slot" id="{ad_id}">Advertisement</div>'
    opened = re.search(r"<body[^>]*>", html, re.IGNORECASE)
    at = opened.end() if opened else 0
    html = f'{html[:at]}<div class="ticker">{ticker}</div>{html[at:]}'
    closed = html.lower().rfind("</body>")
    return html[:closed] + rail + html[closed:] if closed >= 0 else html + rail


def score_page(
    job: tuple[int, str, dict[str, Any], bytes, tuple[str, ...]],
) -> dict[str, Tally]:
    """Extract one page with every chosen option set and score it against its annotations."""
    index, url, item, body, chosen = job
    html = decode_html(body).text
    tallies = {}
    for name in chosen:
        options, raw = OPTION_SETS[name] if name != ARCHIVED else (None, False)
        page = body if raw else html
        tally = Tally(pages=1)
        started = time.perf_counter()
        result = body_text(page, url, options)
        tally.seconds = time.perf_counter() - started
        found = collapse(result or "")
        tally.tp = sum(collapse(snippet) in found for snippet in item["with"])
        tally.fn = len(item["with"]) - tally.tp
        tally.fp = sum(collapse(snippet) in found for snippet in item["without"])
        tally.tn = len(item["without"]) - tally.fp
        tally.failed = int(not is_ok(result))
        if index % STABILITY_SAMPLE_EVERY == 0:
            reruns = (body_text(page, url, options) for _ in range(REPEATS))
            tally.unstable = int(any(rerun != result for rerun in reruns))
        if not raw:
            variants = [body_text(with_boilerplate(html, v), url, options) for v in (0, 1)]
            ok = [text for text in variants if is_ok(text)]
            tally.false_versions = int(
                len(ok) == 2 and text_hash(None, ok[0]) != text_hash(None, ok[1])
            )
            tally.leaked = int(any(snippet in text for text in ok for snippet in INJECTED))
        tallies[name] = tally
    return tallies


def corpus(tests_dir: Path, limit: int | None) -> Iterator[tuple[int, str, dict[str, Any], bytes]]:
    """(index, url, annotations, page bytes) for each annotated page found in the checkout."""
    evaldata = json.loads((tests_dir / "evaldata.json").read_text(encoding="utf-8"))
    for index, url in enumerate(sorted(evaldata)[:limit]):
        item = evaldata[url]
        for folder in ("cache", "eval"):
            path = tests_dir / folder / item["file"]
            if path.is_file():
                yield index, url, item, path.read_bytes()
                break


def report(totals: dict[str, Tally]) -> str:
    """A Markdown table, best F1 first.

    Churn is not measured for the raw-bytes row. The first option set run (balanced) also carries
    each worker's one-off set-up inside trafilatura in its time per page.
    """
    pages = next(iter(totals.values())).pages
    sampled = len(range(0, pages, STABILITY_SAMPLE_EVERY))
    lines = [
        f"{pages} pages, stability sampled on {sampled}, trafilatura {trafilatura.__version__}",
        "",
        (
            "| option set | precision | recall | F1 | failed | unstable | false versions "
            "| leaked | s/page |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, t in sorted(totals.items(), key=lambda item: -item[1].f1()):
        raw = name != ARCHIVED and OPTION_SETS[name][1]
        churn = "n/a | n/a" if raw else f"{t.false_versions} | {t.leaked}"
        lines.append(
            f"| {name} | {t.precision():.4f} | {t.recall():.4f} | {t.f1():.4f} | {t.failed} "
            f"| {t.unstable} | {churn} | {t.seconds / t.pages:.3f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("tests_dir", type=Path, help="trafilatura's tests/ (evaldata.json etc.)")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="worker processes")
    parser.add_argument(
        "--sets", default=",".join([*OPTION_SETS, ARCHIVED]),
        help=f"comma-separated option sets to score (default: all, and '{ARCHIVED}')",
    )
    args = parser.parse_args()
    chosen = tuple(name.strip() for name in args.sets.split(",") if name.strip())
    unknown = [name for name in chosen if name not in OPTION_SETS and name != ARCHIVED]
    if unknown:
        parser.error(f"unknown option sets: {', '.join(unknown)}")
    totals = {name: Tally() for name in chosen}
    jobs = ((*page, chosen) for page in corpus(args.tests_dir, args.limit))
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for tallies in pool.map(score_page, jobs, chunksize=4):
            for name, tally in tallies.items():
                totals[name].add(tally)
    print(report(totals))


if __name__ == "__main__":
    main()
