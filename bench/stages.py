"""CPU per page by stage, on real pages: where a first crawl's time goes.

Each stage is run in this process, in the crawl's order, on each sampled page, with the same
functions the crawl calls: decoding, the page's one parse, the article region and what is read
from it (cited links, standfirst, the body's lost blocks), trafilatura, the page's language,
normalising and hashing the text, serialising and gzipping the WARC records (request, response,
pageinfo, text), writing them and indexing them in SQLite (``archive.archiver.Archiver``, the
serialising measured apart subtracted), and bringing the CDXJ up to date at the end. Used by
``bench/realpages.py``; run alone with ``python bench/stages.py --corpus DIR``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import trafilatura  # noqa: E402

from archive.archiver import Archiver, pageinfo  # noqa: E402
from archive.extract import article  # noqa: E402
from archive.extract.articleparts import keep_sentence_dates, standfirst  # noqa: E402
from archive.extract.decode import decode_html  # noqa: E402
from archive.extract.describe import describe_extraction, language_of  # noqa: E402
from archive.extract.language import _identifier  # noqa: E402
from archive.extract.links import cited_links, parse_html  # noqa: E402
from archive.extract.region import article_region  # noqa: E402
from archive.extract.wholebody import whole_body  # noqa: E402
from archive.replay.cdxj import update_cdxj  # noqa: E402
from archive.warc.records import HttpExchange, RecordFactory  # noqa: E402
from archive.warc.writer import DEFAULT_GZIP_LEVEL, serialize_record  # noqa: E402

STAGES = ("decode", "parse", "region and links", "trafilatura", "language",
          "normalise and hash", "WARC records and gzip", "WARC write and index", "CDXJ")
T = TypeVar("T")


def _timed(costs: dict[str, float], stage: str, call: Callable[[], T]) -> T:
    started = time.process_time()
    result = call()
    costs[stage] = costs.get(stage, 0.0) + time.process_time() - started
    return result


def _page(body: bytes, index: int, archiver: Archiver, factory: RecordFactory,
          costs: dict[str, float]) -> None:
    url = f"http://127.0.0.1/p/{index}"
    html = _timed(costs, "decode", lambda: decode_html(body, "text/html").text)
    tree = _timed(costs, "parse",
                  lambda: parse_html(article._CONTROL_CHARACTERS.sub("", html)))
    if tree is None:
        return
    region = _timed(costs, "region and links", lambda: article_region(tree))
    _timed(costs, "region and links", lambda: region and (cited_links(tree, url, region),
                                                           standfirst(region)))
    _timed(costs, "region and links", lambda: (article._declared_modified(tree),
                                               keep_sentence_dates(tree)))
    document = _timed(costs, "trafilatura", lambda: _trafilatura(tree, url))
    text = (document.text or "") if document is not None else ""
    if region is not None:
        text = _timed(costs, "region and links", lambda: whole_body(text, region))
    extraction = article.extract_html(html, url)  # the record's fields, not timed again
    language = _timed(costs, "language", lambda: language_of(extraction, body))
    digest, fields = _timed(costs, "normalise and hash",
                            lambda: describe_extraction(extraction, (), language))
    exchange = HttpExchange(url, 200, [("Content-Type", "text/html"),
                                       ("Content-Length", str(len(body)))], body)
    data = pageinfo(role="article", status=extraction.status, text_hash=digest,
                    extraction=fields, links=extraction.links)

    def records() -> None:
        response_id = factory.new_id()
        made = [factory.request(exchange, factory.new_id(), concurrent_to=response_id),
                factory.response(exchange, response_id),
                factory.metadata(url, response_id, data, factory.now())]
        if extraction.status == "ok":
            made.append(factory.conversion(url, response_id, extraction.text, factory.now()))
        for record in made:
            serialize_record(record, DEFAULT_GZIP_LEVEL)

    _timed(costs, "WARC records and gzip", records)

    def archive() -> None:
        capture = archiver.capture(exchange)
        archiver.describe(capture, data, extraction.text if extraction.status == "ok" else None)

    _timed(costs, "WARC write and index", archive)


def _trafilatura(tree: object, url: str) -> trafilatura.settings.Document | None:
    try:
        return trafilatura.bare_extraction(tree, url=url, **article.TRAFILATURA_FIXED_OPTIONS,
                                           **article.TRAFILATURA_OPTIONS)
    except Exception:  # noqa: BLE001 - as in archive.extract.article
        return None


def stage_costs(pages: list[bytes], sample: int) -> list[dict[str, float]]:
    """CPU ms per page of each stage (mean over ``sample`` evenly spread pages), in order."""
    step = max(1, len(pages) // sample)
    chosen = pages[::step][:sample]
    costs: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="palimpsest-stages-warm-") as tmp:
        _identifier()  # the language model loads once per process: no page's cost
        warm = Archiver(tmp, "warm")  # nor do the first calls' caches
        for body in chosen[:5]:
            _page(body, 0, warm, RecordFactory(), {})
        warm.close()
    with tempfile.TemporaryDirectory(prefix="palimpsest-stages-") as tmp:
        archiver = Archiver(tmp, "stages")
        factory = RecordFactory()
        for index, body in enumerate(chosen):
            _page(body, index, archiver, factory, costs)
        _timed(costs, "WARC write and index", archiver.close)
        _timed(costs, "CDXJ", lambda: update_cdxj(tmp, "stages"))
    # Writing the records serialises them again: the index's share is what is left over.
    costs["WARC write and index"] -= costs.get("WARC records and gzip", 0.0)
    return [{"stage": stage, "ms": costs.get(stage, 0.0) / len(chosen) * 1000,
             "pages": len(chosen)} for stage in STAGES]


def extraction_ratio(pages: list[bytes], sample: int, repeats: int = 3) -> dict[str, float]:
    """CPU of ``extract_page`` against trafilatura's ``bare_extraction`` with the project's
    options on decoded text, page by page in turn, the best of ``repeats`` runs of each (so a
    busy machine's interruptions count as little as they can)."""
    step = max(1, len(pages) // sample)
    chosen = pages[::step][:sample]
    url = "http://127.0.0.1/p/1"

    def bare(body: bytes) -> None:
        try:
            trafilatura.bare_extraction(decode_html(body, "text/html").text, url=url,
                                        **article.TRAFILATURA_FIXED_OPTIONS,
                                        **article.TRAFILATURA_OPTIONS)
        except Exception:  # noqa: BLE001 - it costs what it cost
            pass

    def ours(body: bytes) -> None:
        article.extract_page(body, url, "text/html")

    for body in chosen[:5]:
        bare(body)
        ours(body)
    totals = {"bare": 0.0, "ours": 0.0}
    for body in chosen:
        for name, call in (("bare", bare), ("ours", ours)):
            best = float("inf")
            for _ in range(repeats):
                started = time.process_time()
                call(body)
                best = min(best, time.process_time() - started)
            totals[name] += best
    return {"pages": len(chosen), "bare_ms": totals["bare"] / len(chosen) * 1000,
            "ours_ms": totals["ours"] / len(chosen) * 1000,
            "ratio": totals["ours"] / totals["bare"]}


def ratio_line(ratio: dict[str, float]) -> list[str]:
    """The sentence that reports ``extraction_ratio``."""
    return [f"`extract_page` against trafilatura's `bare_extraction` with the project's options "
            f"(decoding included in both), CPU per page on {ratio['pages']:.0f} real pages, "
            f"best of 3 each: {ratio['ours_ms']:.1f} ms against {ratio['bare_ms']:.1f} ms, "
            f"**{ratio['ratio']:.3f}x** (target <= 1.15).", ""]


def stage_table(stages: list[dict[str, float]]) -> list[str]:
    """The Markdown table of ``stage_costs``."""
    if not stages:
        return []
    total = sum(row["ms"] for row in stages)
    lines = [f"CPU per page by stage, in this process on {stages[0]['pages']:.0f} of the real "
             "pages (`bench/stages.py`); \"WARC write and index\" is the archiver's time less "
             "the record serialising measured on the line above it:", "",
             "| stage | CPU ms per page | share |", "|---|---:|---:|"]
    lines += [f"| {row['stage']} | {row['ms']:.2f} | {row['ms'] / total:.0%} |"
              for row in stages]
    lines += [f"| all | {total:.1f} | |", ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, metavar="DIR",
                        help="trafilatura's tests/ folder")
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    files = sorted(args.corpus.glob("eval/*.html")) + sorted(args.corpus.glob("cache/*.html"))
    pages = [path.read_bytes() for path in files]
    print("\n".join(ratio_line(extraction_ratio(pages, args.pages))))
    print("\n".join(stage_table(stage_costs(pages, args.pages))))


if __name__ == "__main__":
    main()
