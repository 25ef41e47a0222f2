"""Search latency: `palimpsest search` on an index of 1,000,000 versions, on both backends.

    .venv/bin/python bench/search_latency.py                 # 1M versions; prints Markdown
    .venv/bin/python bench/search_latency.py --record        # ...and appends to RESULTS.md
    .venv/bin/python bench/search_latency.py --versions 50000 --no-postgres   # quick

The index is written straight into the project's schema (as bench/index_latency.py does for
captures), not through the crawler: `--versions` versions of `--versions / 4` pages (four texts
each, first seen six hours apart), each with a generated text of about 90 words drawn from a
Zipf-distributed vocabulary of 50,000 words (one text in ten in Cyrillic, Armenian or Arabic
words), plus the capture each version was first seen in. Texts go in through the index's own
`add_version_text`, so the word index is the one a crawl builds.

Timed: `archive.versions.search.search` (the function the CLI calls, snippets and replay links
included), 20 hits per query, median and p95 over `--sample` queries after a warm-up; queries
are two words of middling frequency (each in 0.1-1% of texts), a phrase, a prefix and a
two-word query under a URL prefix. "Size added" is the index's size with the texts and their
word index minus its size without them.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.index import open_index  # noqa: E402
from archive.index.base import Version  # noqa: E402
from archive.versions.search import search  # noqa: E402

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
VOCABULARY = 50_000
WORDS_PER_TEXT = 90
RESULTS = ROOT / "bench" / "RESULTS.md"
PG_BASE = os.environ.get("PALIMPSEST_TEST_PG", "postgresql://root@127.0.0.1:5432/test")
SCRIPTS = ("абвгдежзиклмнопрстуфхцчшыэюя", "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
           "ابتثجحخدذرزسشصضطظعغفقكلمنهوي")


def vocabulary(rng: random.Random) -> list[str]:
    """Made-up words: Latin letters, and a tenth in each of the other scripts."""
    words, seen = [], set()
    while len(words) < VOCABULARY:
        alphabet = "abcdefghijklmnopqrstuvwxyz" if len(words) % 10 else rng.choice(SCRIPTS)
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(3, 10)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def texts(rng: random.Random, words: list[str], count: int):
    weights = [1 / (rank + 1) for rank in range(len(words))]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    for _ in range(count):
        yield " ".join(rng.choices(words, cum_weights=cumulative, k=WORDS_PER_TEXT))


def when(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_SEEN: dict[int, str] = {}  # version id -> first seen


def queries(rng: random.Random, words: list[str], sample: int) -> dict[str, list[dict]]:
    """Two-word queries of words in about 0.1-1% of the texts, and the other shapes."""
    # Zipf: a word of rank r is in about 1 - (1 - p_r)^90 of the texts; ranks 150-1,500 of
    # 50,000 land between roughly 1% and 0.1%.
    middling = words[150:1500]
    made = {"two words": [], "phrase": [], "prefix": [], "two words, --url": []}
    for _ in range(sample):
        a, b = rng.sample(middling, 2)
        made["two words"].append({"text": f"{a} {b}"})
        made["phrase"].append({"text": f'"{a} {b}"'})
        made["prefix"].append({"text": f"{a[:3]}*"})
        made["two words, --url"].append({"text": f"{a} {b}",
                                         "url_prefix": f"https://www.site{rng.randrange(50)}."
                                                       "example/"})
    return made


def timed(index, items: list[dict]) -> tuple[float, float, float]:
    search(index, items[0]["text"], url_prefix=items[0].get("url_prefix"))  # warm-up
    samples, hits = [], []
    for item in items:
        started = time.perf_counter()
        found = search(index, item["text"], url_prefix=item.get("url_prefix"))
        samples.append((time.perf_counter() - started) * 1000)
        hits.append(len(found.hits))
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(samples), p95, statistics.mean(hits)


def sqlite_size(path: Path) -> int:
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path.stat().st_size


def measure(index, args, words) -> dict:
    rng = random.Random(args.seed + 1)
    out = {}
    for name, items in queries(rng, words, args.sample).items():
        out[name] = timed(index, items)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    words = vocabulary(random.Random(args.seed))
    backends = [("SQLite (FTS5)", sizes_sqlite)]
    if not args.no_postgres:
        backends.append(("PostgreSQL (tsvector, GIN)", sizes_postgres))
    sections = []
    for name, runner in backends:
        started = time.perf_counter()
        result = runner(args, words)
        result["total_s"] = time.perf_counter() - started
        sections.append((name, result))
        print(f"{name}: {result}", file=sys.stderr, flush=True)
    text = markdown(args, sections)
    print(text)
    if args.record:
        with RESULTS.open("a", encoding="utf-8") as stream:
            stream.write("\n" + text)


def sizes_sqlite(args, words) -> dict:
    with tempfile.TemporaryDirectory(prefix="search-bench-") as folder:
        data = Path(folder)
        index = open_index(data)
        rng = random.Random(args.seed)
        rows_s, texts_s, before = build_measured(index, args.versions, rng, words,
                                                 lambda: sqlite_size(data / "index.sqlite"))
        result = {"build_rows_s": rows_s, "build_texts_s": texts_s}
        result.update(measure(index, args, words))
        index.close()
        result["size_before_mb"] = before / 1e6
        result["size_added_mb"] = (sqlite_size(data / "index.sqlite") - before) / 1e6
        return result


def sizes_postgres(args, words) -> dict:
    import uuid

    from archive.index.postgres import PostgresIndex

    url = f"{PG_BASE}?schema=bench_{uuid.uuid4().hex[:8]}"
    index = PostgresIndex(url, check=False)
    index.upgrade()
    index.close()
    index = open_index(".", url=url)
    try:
        def size() -> int:
            index.db.execute("VACUUM ANALYZE")  # autocommit: sizes and statistics settle
            rows = index.db.execute(
                "SELECT pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                (index.schema,)).fetchall()
            return sum(row[0] for row in rows)

        rng = random.Random(args.seed)
        rows_s, texts_s, before = build_measured(index, args.versions, rng, words, size)
        result = {"build_rows_s": rows_s, "build_texts_s": texts_s}
        after = size()
        result.update(measure(index, args, words))
        result["size_before_mb"] = before / 1e6
        result["size_added_mb"] = (after - before) / 1e6
        return result
    finally:
        index.drop()
        index.close()


def build_measured(index, versions, rng, words, size):
    """Build the rows, measure the size, then add the texts."""
    pages = max(1, versions // 4)
    started = time.perf_counter()
    index.begin()
    for number in range(versions):
        page, text = number % pages, number // pages
        url = f"https://www.site{page % 50}.example/news/{page}/story-{page}"
        seen = when(text * 360 + page * 360 / pages)
        _SEEN[number + 1] = seen
        index._x("INSERT INTO captures (id, url, collection, fetched_at, status, kind, "
                 "record_id, warc_file, warc_offset, warc_length, text_hash, extraction) "
                 "VALUES (?, ?, 'bench', ?, 200, 'response', ?, 'f.warc.gz', 0, 1, ?, 'ok')",
                 (number + 1, url, seen, f"<urn:uuid:{number}>", f"sha256:{number:064x}"))
        index._x("INSERT INTO versions (id, url, text_hash, first_seen, last_seen, title, "
                 "first_capture) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (number + 1, url, f"sha256:{number:064x}", seen, when(text * 360 + 359),
                  f"Story {page} version {text + 1}", number + 1))
        if number % 5000 == 4999:
            index.commit()
            index.begin()
    index.commit()
    rows_s = time.perf_counter() - started
    before = size()
    started = time.perf_counter()
    index.begin()
    for number, body in enumerate(texts(rng, words, versions)):
        version = Version(url="", text_hash="", first_seen=_SEEN[number + 1], last_seen="",
                          first_capture=number + 1, title=None, id=number + 1)
        index.add_version_text(version, body)
        if number % 5000 == 4999:
            index.commit()
            index.begin()
    index.commit()
    return rows_s, time.perf_counter() - started, before


def markdown(args, sections) -> str:
    lines = [f"## Search latency ({datetime.now(timezone.utc):%Y-%m-%d}, "
             f"`bench/search_latency.py --versions {args.versions}`)", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}. "
             f"{args.versions:,} versions of {max(1, args.versions // 4):,} pages, "
             f"~{WORDS_PER_TEXT} words each; {args.sample} queries per shape, 20 hits each, "
             "warm cache; times in ms for `archive.versions.search.search` (snippets and "
             "replay links included).", "",
             "| backend | query | p50 ms | p95 ms | mean hits |", "|---|---|---:|---:|---:|"]
    for name, result in sections:
        for shape in ("two words", "phrase", "prefix", "two words, --url"):
            p50, p95, hits = result[shape]
            lines.append(f"| {name} | {shape} | {p50:.1f} | {p95:.1f} | {hits:.1f} |")
    lines += ["", "| backend | index without texts MB | size added MB | build texts s |",
              "|---|---:|---:|---:|"]
    for name, result in sections:
        lines.append(f"| {name} | {result['size_before_mb']:.0f} | "
                     f"{result['size_added_mb']:.0f} | {result['build_texts_s']:.0f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
