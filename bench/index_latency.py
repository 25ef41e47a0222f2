"""Index latency: `history` and `diff` on a large SQLite index, and the report for 1,000 edits.

    .venv/bin/python bench/index_latency.py                  # 1M captures; prints Markdown
    .venv/bin/python bench/index_latency.py --record         # ...and appends it to
                                                             #    bench/RESULTS.md
    .venv/bin/python bench/index_latency.py --captures 100000 --urls 5000 --report 0  # quick

The index is built straight into SQLite with the project's schema (archive/index/schema.sql,
created by opening the index), not through the crawler: `--urls` pages captured about
`--captures / --urls` times each in crawl rounds six hours apart (responses, identical-payload
revisits and 304s; one to five texts per page; three citations per article response), plus ten
listing pages sharing 2% of the captures (2,000 each at 1M). The pages whose `diff` is timed
get real conversion records written with the project's WARC writer, holding the demo site's
articles.

`history` is timed in-process with archive.versions.history.history and `diff` with
archive.versions.edits.EditReader, the functions the CLI calls: median and p95 over `--sample`
random pages after one warm-up call, with the OS cache warm (the index was just written). One real
`palimpsest history URL --data DIR --json` is also timed end to end, interpreter start-up included.
The report figure repeats bench/diff_bench.py's `--report` set-up (Archiver, three crawls) and times
`build_report` alone. Needs about 1.2 GB of disk for 1M captures, and runs in about a minute on two
cores.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import diff_bench  # noqa: E402 - after the path set-up
from diff_bench import article_text  # noqa: E402

from archive.index import INDEX_FILENAME, open_index  # noqa: E402
from archive.store.layout import DataLayout  # noqa: E402
from archive.versions.edits import EditReader  # noqa: E402
from archive.versions.history import history  # noqa: E402
from archive.warc.records import RecordFactory  # noqa: E402
from archive.warc.writer import WarcFileWriter  # noqa: E402

COLLECTION = "bench"
T0 = datetime(2026, 10, 1, tzinfo=timezone.utc)
ROUND = timedelta(hours=6)           # time between two crawl rounds
LISTINGS = 10                        # home and section pages, captured all the time
LISTING_SHARE = 0.02                 # of all captures, spread over the listings
SOURCE_EVERY = 10                    # one page in ten is a cited source, not an article
CITED_PER_RESPONSE = 3
VERSION_WEIGHTS = {1: 15, 2: 30, 3: 30, 4: 15, 5: 10}  # texts per page -> relative frequency
WARC_ROLL = 1024**3                  # the writer's default file size
DEMO_KEYS = ("A", "B", "C", "E")     # demo articles present in both states 1 and 2
RESULTS = ROOT / "bench" / "RESULTS.md"
TARGET_MS = 10.0                     # the target for `history` at 1M captures

CAPTURE_COLUMNS = ("id", "url", "collection", "fetched_at", "status", "kind", "record_id",
                   "refers_to", "payload_digest", "mime", "warc_file", "warc_offset",
                   "warc_length", "truncated", "text_hash", "extraction", "title")
VERSION_COLUMNS = ("id", "url", "text_hash", "first_seen", "last_seen", "title", "byline",
                   "published", "first_capture", "text_file", "text_offset", "text_length")
PAGE_COLUMNS = ("url", "collection", "role", "first_seen", "last_seen", "last_status",
                "state", "last_change", "fetches", "changes")
CITATION_COLUMNS = ("article_url", "article_capture", "article_text_hash", "source_url",
                    "cited_at")


# -- the synthetic archive ------------------------------------------------------------------


@dataclass
class PagePlan:
    """One URL: how often it is captured and at which captures its text changes."""

    number: int
    url: str
    role: str                        # article | source | listing
    captures: int
    changes: frozenset[int]          # capture positions showing a new text (0 included)
    demo_key: str | None = None      # set for pages whose diff is timed: their real texts
    # filled in while the rows are generated
    version: int = -1
    version_ids: list[int] = field(default_factory=list)
    response_id: str | None = None
    digest: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None


def url_for(number: int, role: str) -> str:
    if role == "listing":
        return f"https://www.site{number}.example/"
    if role == "source":
        return f"https://agency{number % 7}.example/statements/{number}"
    day = 1 + number % 28
    return f"https://www.site{number % 20}.example/news/2026/10/{day:02d}/story-{number}-flood"


def plan_pages(captures: int, urls: int, rng: random.Random) -> list[PagePlan]:
    """Split `captures` between `urls` pages and the listings, and pick each page's edits."""
    per_listing = max(1, int(captures * LISTING_SHARE) // LISTINGS)
    rest = captures - per_listing * LISTINGS
    base, extra = divmod(rest, urls)
    plans = [PagePlan(n, url_for(n, "listing"), "listing", per_listing, frozenset({0}))
             for n in range(LISTINGS)]
    counts, weights = list(VERSION_WEIGHTS), list(VERSION_WEIGHTS.values())
    for n in range(urls):
        role = "source" if n % SOURCE_EVERY == SOURCE_EVERY - 1 else "article"
        count = base + (1 if n < extra else 0)
        texts = min(rng.choices(counts, weights)[0], count)
        changes = frozenset({0, *rng.sample(range(1, count), texts - 1)})
        plans.append(PagePlan(n, url_for(n, role), role, count, changes))
    return plans


def capture_times(plans: list[PagePlan]) -> list[list[tuple[datetime, PagePlan, int]]]:
    """Per crawl round, (time, page, capture position) in time order: rows go in as a crawl
    writes them, so ids follow time and the indexes fill in the crawl's order."""
    pages = [plan for plan in plans if plan.role != "listing"]
    rounds = max(plan.captures for plan in pages)
    spacing = ROUND * 0.9 / max(len(pages), 1)
    listing_per_round = -(-max(p.captures for p in plans[:LISTINGS]) // rounds)
    schedule = []
    for crawl in range(rounds):
        start = T0 + ROUND * crawl
        events = [(start + spacing * slot, plan, crawl)
                  for slot, plan in enumerate(pages) if crawl < plan.captures]
        for plan in plans[:LISTINGS]:
            for k in range(listing_per_round):
                position = crawl * listing_per_round + k
                if position < plan.captures:
                    at = start + ROUND * k / listing_per_round + timedelta(seconds=plan.number)
                    events.append((at, plan, position))
        events.sort(key=lambda event: event[0])
        schedule.append(events)
    return schedule


class RowMaker:
    """Turns (time, page, position) into index rows the way archive/index/ingest.py fills them."""

    def __init__(self, rng: random.Random, sources: list[str]) -> None:
        self.rng = rng
        self.sources = sources
        self.next_capture = 1
        self.versions: list[list] = []
        self.warc_serial = 0
        self.warc_file = ""
        self.warc_offset = WARC_ROLL  # forces the first file name

    def record_id(self) -> str:
        return f"<urn:uuid:{uuid.UUID(int=self.rng.getrandbits(128), version=4)}>"

    def digest(self) -> str:
        return "sha1:" + base64.b32encode(self.rng.randbytes(20)).decode()

    def locate(self, length: int) -> tuple[str, int]:
        """Where the record would sit: request + response/revisit + pageinfo, rolling files."""
        if self.warc_offset >= WARC_ROLL:
            self.warc_serial += 1
            self.warc_file = f"{COLLECTION}-20261001000000000-{self.warc_serial:05d}.warc.gz"
            self.warc_offset = 600
        offset = self.warc_offset + 400  # after the request record
        self.warc_offset = offset + length + 700  # and the pageinfo (and text) records
        return self.warc_file, offset

    def kind(self, plan: PagePlan, position: int) -> str:
        if plan.role == "listing" or position in plan.changes:
            return "response"
        roll = self.rng.random()
        return "revisit" if roll < 0.7 else "not-modified" if roll < 0.8 else "response"

    def rows(self, at: datetime, plan: PagePlan, position: int) -> tuple[tuple, list[tuple]]:
        """One capture row and the citation rows of its pageinfo."""
        fetched_at = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        capture_id, self.next_capture = self.next_capture, self.next_capture + 1
        kind = self.kind(plan, position)
        record_id, refers_to, status = self.record_id(), None, 200
        if kind == "response":
            plan.response_id, plan.digest = record_id, self.digest()
            length = self.rng.randrange(9_000, 40_000)
        else:
            refers_to, length = plan.response_id, self.rng.randrange(500, 900)
            status = 304 if kind == "not-modified" else 200
        digest = None if kind == "not-modified" else plan.digest
        warc_file, offset = self.locate(length)
        text_hash = title = None
        extraction = "not-article"
        if plan.role != "listing":
            if position in plan.changes:
                self.new_version(plan, fetched_at, capture_id)
            self.versions[plan.version_ids[-1] - 1][4] = fetched_at  # last_seen
            text_hash, title, extraction = self.text_hash(plan), self.title(plan), "ok"
        plan.first_seen = plan.first_seen or fetched_at
        plan.last_seen = fetched_at
        capture = (capture_id, plan.url, COLLECTION, fetched_at, status, kind, record_id,
                   refers_to, digest, "text/html; charset=utf-8", warc_file, offset, length,
                   None, text_hash, extraction, title)
        citations = []
        if plan.role == "article" and kind == "response":
            citations = [(plan.url, capture_id, text_hash, source, fetched_at)
                         for source in self.rng.sample(self.sources, CITED_PER_RESPONSE)]
        return capture, citations

    def new_version(self, plan: PagePlan, fetched_at: str, capture_id: int) -> None:
        plan.version += 1
        if plan.version:
            plan.last_change = fetched_at
        version_id = len(self.versions) + 1
        plan.version_ids.append(version_id)
        # Pages whose diff is timed get their text file later, from a real conversion record
        # (set_version_text only fills a NULL text_file); the others point at a plausible one.
        text = (None, None, None) if plan.demo_key else (self.warc_file, self.warc_offset, 4_000)
        self.versions.append([version_id, plan.url, self.text_hash(plan), fetched_at,
                              fetched_at, self.title(plan), "By Staff Reporter",
                              "2026-10-01T00:00:00Z", capture_id, *text])

    @staticmethod
    def text_hash(plan: PagePlan) -> str:
        return "sha256:%064x" % (plan.number * 100 + plan.version + 1)

    @staticmethod
    def title(plan: PagePlan) -> str:
        if plan.demo_key:
            return demo_version(plan.demo_key, plan.version, len(plan.changes)).title
        return f"Flood story {plan.number}"


def demo_version(key: str, version: int, versions: int):
    """Version `version` (of `versions`) of a timed page: the demo article in state 1 with one
    update paragraph per version, then state 2 for the last, so the default diff (the last
    two texts) is the demo's real edit (figures, sentences, headlines) plus one paragraph."""
    text = article_text(2 if version == versions - 1 else 1, key)
    updates = "".join(f"\nUpdate {n}: officials revised the count to {1_400 + 38 * n} people."
                      for n in range(1, version + 1))
    return type(text)(text.title, text.byline, text.text + updates)


def insert(db: sqlite3.Connection, table: str, columns: tuple[str, ...], rows) -> None:
    marks = ", ".join("?" * len(columns))
    db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def build_index(data: Path, plans: list[PagePlan], rng: random.Random) -> dict[str, int]:
    """Create the index with the project's schema, then bulk-load every row in one
    transaction with the journal and fsync off: a build-only shortcut; the queries timed
    later run in the WAL mode the project sets."""
    open_index(data).close()  # schema.sql, meta and WAL mode, exactly as the crawl creates it
    db = sqlite3.connect(data / INDEX_FILENAME, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")  # 1 GB: the indexes stay in memory while loading
    maker = RowMaker(rng, [plan.url for plan in plans if plan.role == "source"])
    db.execute("BEGIN")
    citations = 0
    for events in capture_times(plans):
        captures, cited = [], []
        for at, plan, position in events:
            capture, links = maker.rows(at, plan, position)
            captures.append(capture)
            cited += links
        insert(db, "captures", CAPTURE_COLUMNS, captures)
        insert(db, "citations", CITATION_COLUMNS, cited)
        citations += len(cited)
    insert(db, "versions", VERSION_COLUMNS, maker.versions)
    insert(db, "pages", PAGE_COLUMNS, page_rows(plans))
    db.executemany("INSERT INTO page_seeds (url, seed, seen_at) VALUES (?, ?, ?)",
                   [(p.url, "https://www.site0.example/", p.last_seen) for p in plans])
    db.executemany("INSERT INTO warc_files (filename, collection, indexed_to) VALUES (?, ?, ?)",
                   [(f"{COLLECTION}-20261001000000000-{n:05d}.warc.gz", COLLECTION, WARC_ROLL)
                    for n in range(1, maker.warc_serial + 1)])
    db.execute("COMMIT")
    db.execute("PRAGMA journal_mode=WAL")  # back to what every Palimpsest index uses
    db.close()
    return {"captures": maker.next_capture - 1, "versions": len(maker.versions),
            "citations": citations, "pages": len(plans)}


def page_rows(plans: list[PagePlan]):
    for plan in plans:
        yield (plan.url, COLLECTION, plan.role, plan.first_seen, plan.last_seen, 200,
               "live", plan.last_change, plan.captures, max(plan.version, 0))


def write_texts(data: Path, plans: list[PagePlan]) -> None:
    """Real conversion records for the pages whose diff is timed, written with the project's
    WARC writer and linked with set_version_text, as archive/index/ingest.py does."""
    index = open_index(data)
    factory = RecordFactory()
    writer = WarcFileWriter(DataLayout(data).archive_dir(COLLECTION), COLLECTION, factory,
                            warcinfo={"isPartOf": COLLECTION})
    index.begin()
    try:
        for plan in plans:
            for number, version in enumerate(index.versions(plan.url)):
                capture = index.capture_by_id(version.first_capture)
                text = demo_version(plan.demo_key, number, len(plan.changes)).text
                record = factory.conversion(plan.url, capture.record_id, text,
                                            version.first_seen)
                where = writer.write_group([record])[0]
                index.set_version_text(plan.url, version.text_hash, where.filename,
                                       where.offset, where.length)
    finally:
        writer.close()
        index.commit()
        index.close()


# -- timing ---------------------------------------------------------------------------------


def timings(call, items: list, before=None) -> list[float]:
    """Seconds per call for items[1:]; items[0] is the warm-up call (module caches, first
    page reads), not counted. `before` runs ahead of each call, outside the time."""
    call(items[0])
    samples = []
    for item in items[1:]:
        if before is not None:
            before()
        started = time.perf_counter()
        call(item)
        samples.append(time.perf_counter() - started)
    return samples


def summary(samples: list[float]) -> tuple[float, float]:
    """(median, p95) in milliseconds."""
    p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]
    return statistics.median(samples) * 1000, p95 * 1000


def time_queries(data: Path, history_urls: list[str], listing_urls: list[str],
                 diff_urls: list[str], per_listing: int) -> dict[str, tuple[float, float, int]]:
    """The in-process figures, on one read-only index as the CLI opens it."""
    layout = DataLayout(data)
    index = open_index(data, readonly=True)
    results = {}

    def measure(name, call, items, before=None):
        results[name] = (*summary(timings(call, items, before)), len(items) - 1)

    try:
        measure("history (archive.versions.history.history, index open)",
                lambda url: history(index, url), history_urls)
        measure("history incl. open_index + close (the CLI's work minus start-up)",
                lambda url: history_once(data, url), history_urls)
        # The listings are few: all of them timed, after a warm-up on the first.
        measure(f"history of a listing page ({per_listing:,} captures)",
                lambda url: history(index, url),
                listing_urls[:1] + listing_urls)
        # A fresh EditReader per call, as `palimpsest diff` has: no text cache carried over.
        measure("diff (EditReader.diff: index, 2 WARC texts, diff engine)",
                lambda url: EditReader(index, layout).diff(url), diff_urls)
        measure("diff, index part only (EditReader.runs)",
                lambda url: EditReader(index, layout).runs(url), diff_urls)
    finally:
        index.close()
    if hasattr(os, "posix_fadvise"):  # Linux: evicts one file's pages, no root needed
        # Last, since it empties the cache the figures above were taken with.
        measure("history incl. open + close, index file evicted from the OS cache first",
                lambda url: history_once(data, url), history_urls, lambda: evict(data))
    return results


def evict(data: Path) -> None:
    """Drop the index file's pages from the OS page cache, so the next call reads the disk."""
    descriptor = os.open(data / INDEX_FILENAME, os.O_RDONLY)
    try:
        os.fsync(descriptor)  # dirty pages cannot be evicted; the build wrote without fsync
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(descriptor)


def history_once(data: Path, url: str) -> dict:
    index = open_index(data, readonly=True)
    try:
        return history(index, url)
    finally:
        index.close()


def palimpsest_command() -> list[str]:
    script = Path(sys.executable).with_name("palimpsest")
    return [str(script)] if script.exists() else [sys.executable, "-m", "archive.cli"]


def time_cli(args: list[str], runs: int = 5) -> float:
    """Median wall time in ms of a real CLI process (interpreter start-up included)."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(palimpsest_command() + args, capture_output=True, text=True)
        samples.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"palimpsest {' '.join(args)} failed: {done.stderr.strip()}")
    return statistics.median(samples) * 1000


def check_cli_history(data: Path, url: str) -> None:
    """The CLI answers with this URL's JSON (so the timing is of a real answer)."""
    done = subprocess.run(palimpsest_command() + ["history", url, "--data", str(data),
                                                  "--json"], capture_output=True, text=True)
    answer = json.loads(done.stdout)
    assert answer["url"] == url and answer["captures"], answer


def query_plans(data: Path, url: str) -> list[str]:
    """EXPLAIN QUERY PLAN of the queries `history` and `diff` run (archive/index/sqlite.py)."""
    queries = {
        "pages by url": ("SELECT * FROM pages WHERE url = ?", (url,)),
        "versions(url)": ("SELECT * FROM versions WHERE url = ? ORDER BY first_seen, id",
                          (url,)),
        "captures(url)": ("SELECT * FROM captures WHERE url = ? ORDER BY fetched_at, id",
                          (url,)),
        "version(url, hash)": ("SELECT * FROM versions WHERE url = ? AND text_hash = ?",
                               (url, "x")),
        "capture_by_id": ("SELECT * FROM captures WHERE id = ?", (1,)),
    }
    db = sqlite3.connect(f"file:{data / INDEX_FILENAME}?mode=ro", uri=True)
    lines = []
    for name, (sql, params) in queries.items():
        steps = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params)]
        lines.append(f"- {name}: {'; '.join(steps)}")
    db.close()
    return lines


# -- the report over 1,000 edited articles (bench/diff_bench.py --report) -------------------


def time_report(pages: int) -> tuple[float, float, int]:
    """(seconds to archive, seconds for build_report, edits), by bench/diff_bench.py's own
    report set-up: three crawls of `pages` articles through the Archiver."""
    archived, reported, result = diff_bench.time_report(pages)
    return archived, reported, result.edits


# -- output ---------------------------------------------------------------------------------


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = ", " + line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.platform()}, {os.cpu_count()} CPUs{cpu}; Python "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def markdown(args, counts: dict[str, int], build_s: float, size_mb: float,
             queries: dict, cli: tuple[float, float], per_listing: int, plans: list[str],
             report: tuple[float, float, int] | None) -> str:
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    out = [f"## Index latency: {counts['captures']:,} captures ({today})", "",
           f"Machine: {machine()}.", "",
           f"Index (SQLite, synthetic, built straight into the project's schema in "
           f"{build_s:.1f} s; {size_mb:,.0f} MB): {counts['pages']:,} pages "
           f"({args.urls:,} articles and sources, {LISTINGS} listings of {per_listing:,} "
           f"captures), {counts['captures']:,} captures, {counts['versions']:,} versions, "
           f"{counts['citations']:,} citations. Pages timed at random; OS cache warm unless "
           "said.", "",
           "| operation | median | p95 | calls |", "|---|---:|---:|---:|"]
    for name, (median, p95, calls) in queries.items():
        out.append(f"| {name} | {median:.2f} ms | {p95:.2f} ms | {calls} |")
    out.append(f"| CLI `palimpsest history URL --data DIR --json`, end to end, median of 5 "
               f"(includes interpreter start-up) | {cli[0]:.0f} ms | | 5 |")
    out.append(f"| CLI `palimpsest --version`: start-up alone, for comparison | "
               f"{cli[1]:.0f} ms | | 5 |")
    history_median = next(iter(queries.values()))[0]
    verdict = "met" if history_median < TARGET_MS else "NOT met"
    history_p95 = next(iter(queries.values()))[1]
    out += ["", f"Target `history` < {TARGET_MS:.0f} ms at 1M captures: {verdict} at "
            f"{counts['captures']:,} (median {history_median:.2f} ms, p95 {history_p95:.2f} ms "
            "in-process).", ""]
    if report is not None:
        archived, reported, edits = report
        out += [f"Report: `palimpsest report`'s work (`build_report`) for {args.report:,} "
                f"articles x 3 versions "
                f"({edits:,} edits): {reported:.2f} s (archiving them through the Archiver "
                f"first: {archived:.2f} s, not counted).", ""]
    out += ["Query plans (EXPLAIN QUERY PLAN):", "", *plans, "",
            f"Run: `.venv/bin/python bench/index_latency.py --captures {args.captures} "
            f"--urls {args.urls} --sample {args.sample} --report {args.report} "
            f"--seed {args.seed}`", ""]
    return "\n".join(out)


# -- main -----------------------------------------------------------------------------------


def choose_samples(plans: list[PagePlan], sample: int, rng: random.Random):
    """Pages to time: `sample` + 1 (the warm-up) for history; as many edited articles for
    diff, which get the demo site's texts."""
    pages = [plan for plan in plans if plan.role != "listing"]
    edited = [plan for plan in pages if plan.role == "article" and len(plan.changes) > 1]
    history_pages = rng.sample(pages, min(sample + 1, len(pages)))
    diff_pages = rng.sample(edited, min(sample + 1, len(edited)))
    for number, plan in enumerate(diff_pages):
        plan.demo_key = DEMO_KEYS[number % len(DEMO_KEYS)]
    return history_pages, diff_pages


def run(args, data: Path) -> str:
    rng = random.Random(args.seed)
    plans = plan_pages(args.captures, args.urls, rng)
    history_pages, diff_pages = choose_samples(plans, args.sample, rng)
    started = time.perf_counter()
    counts = build_index(data, plans, rng)
    write_texts(data, diff_pages)
    build_s = time.perf_counter() - started
    size_mb = (data / INDEX_FILENAME).stat().st_size / 1e6
    print(f"built {counts['captures']:,} captures in {build_s:.1f} s ({size_mb:,.0f} MB)",
          file=sys.stderr)
    queries = time_queries(data, [p.url for p in history_pages],
                           [p.url for p in plans[:LISTINGS]], [p.url for p in diff_pages],
                           plans[0].captures)
    url = history_pages[0].url
    check_cli_history(data, url)
    cli = (time_cli(["history", url, "--data", str(data), "--json"]), time_cli(["--version"]))
    report = None
    if args.report:
        print(f"timing the report over {args.report:,} articles", file=sys.stderr)
        report = time_report(args.report)
    return markdown(args, counts, build_s, size_mb, queries, cli, plans[0].captures,
                    query_plans(data, url), report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=1_000_000)
    parser.add_argument("--urls", type=int, default=50_000,
                        help="articles and sources (the listings come on top)")
    parser.add_argument("--sample", type=int, default=200, help="pages timed per operation")
    parser.add_argument("--report", type=int, default=1_000, metavar="PAGES",
                        help="time a report over this many edited articles (0: skip)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="build here and keep it (default: a "
                        "temporary folder, removed)")
    parser.add_argument("--record", action="store_true", help=f"append to {RESULTS.name}")
    args = parser.parse_args()
    if args.captures < args.urls * 2:
        parser.error("--captures must be at least twice --urls")
    if args.sample < 1:
        parser.error("--sample must be at least 1")
    # The figures are SQLite's: an index URL in the environment would send open_index (and
    # the CLI subprocess) to PostgreSQL.
    os.environ.pop("PALIMPSEST_INDEX", None)
    if args.data is not None:
        if args.data.exists() and any(args.data.iterdir()):
            parser.error(f"--data {args.data}: must be empty or new")
        args.data.mkdir(parents=True, exist_ok=True)
        text = run(args, args.data)
    else:
        with tempfile.TemporaryDirectory(prefix="palimpsest-latency-") as folder:
            text = run(args, Path(folder))
    print(text)
    if args.record:
        heading = "" if RESULTS.exists() else "# Index latency (bench/index_latency.py)\n"
        with RESULTS.open("a", encoding="utf-8") as stream:
            stream.write(heading + "\n" + text)


if __name__ == "__main__":
    main()
