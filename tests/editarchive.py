"""A small archive with known edits, built with the Archiver (no crawl) at fixed times.

Texts come from real extraction (archive.extract.article) of pages written here, or from the demo
site's fictional articles, so what the diff, changes and report tests see is what a crawl would
have stored. Three "crawls", a day apart:

- ARTICLE (demo article A): 1,412 -> 1,438, 63 -> 71 per cent, 14 -> 21 November; cites SOURCE.
- HEADLINE (demo article C): headline rewritten in crawl 2.
- GONE (demo article D): 404 in crawl 2, back unchanged in crawl 3.
- CITER (demo article E): unchanged; cites SOURCE, which changes after it cited it.
- SOURCE (demo statement S1): 1,412 -> 1,438 in crawl 2.
- HOSTILE: markup, event handlers and a javascript: link written as entities in the page, which
  extraction turns into text that looks like markup; a headline of `</title><script>`. Its
  second version rewrites the hostile sentences, so they appear inserted and deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from archive.archiver import Archiver, pageinfo
from archive.demo import content
from archive.extract.article import extract_page
from archive.extract.normalize import text_hash
from archive.index import open_index
from archive.warc.records import HttpExchange

BASE = "http://127.0.0.1:9"
ARTICLE = f"{BASE}/news/2026/11/03/flood-count"
HEADLINE = f"{BASE}/news/2026/11/05/displaced-families"
GONE = f"{BASE}/news/2026/11/06/velsk-engineers"
CITER = f"{BASE}/news/2026/11/07/winter-hardship"
SOURCE = "http://127.0.0.2:9/en/news/2207"
HOSTILE = f"{BASE}/news/2026/11/08/hostile?q=%22%3E%3Cscript%3Ealert(9)%3C/script%3E"
T0 = datetime(2026, 11, 3, 9, 0, tzinfo=timezone.utc)
CRAWL_TIMES = [T0, T0 + timedelta(days=1), T0 + timedelta(days=2)]
NOW = T0 + timedelta(days=2, hours=1)

HOSTILE_HEADLINE = '</title><script>alert("headline")</script>'
HOSTILE_PARAGRAPHS = {
    1: [
        "The council statement, published on Tuesday, quoted the markup "
        "&lt;script&gt;alert(document.cookie)&lt;/script&gt; word for word, and officials said "
        "the figure of 1,412 would be checked again.",
        "A caption on the same page read &lt;img src=x onerror=alert(2)&gt; where a photograph "
        "of the flooded square in Brenitz was meant to be shown to readers.",
        "Readers were then told to follow &lt;a href=\"javascript:alert(3)\"&gt;this "
        "link&lt;/a&gt; for the full list of shelters, which the council has since removed.",
        "The deputy mayor said the errors came from a broken content system and would be "
        "corrected before the end of the week, along with the figures.",
    ],
    2: [
        "The council statement, published on Tuesday, quoted the markup "
        "&lt;script&gt;alert(document.domain)&lt;/script&gt; word for word, and officials said "
        "the figure of 1,438 would be checked again.",
        "A caption on the same page read &lt;svg onload=alert(4)&gt; where a photograph "
        "of the flooded square in Brenitz was meant to be shown to readers.",
        "Readers were then told to follow &lt;a href=\"data:text/html,&amp;lt;script&amp;gt;"
        "alert(5)&amp;lt;/script&amp;gt;\"&gt;this link&lt;/a&gt; for the full list of "
        "shelters, which the council has since removed.",
        "The deputy mayor said the errors came from a broken content system and would be "
        "corrected before the end of the week, along with the figures.",
    ],
}
HOSTILE_LINKS = ["javascript:alert(6)", "data:text/html,<script>alert(7)</script>"]


@dataclass
class Fetch:
    """One archived fetch: the page's state at one crawl."""

    url: str
    status: int = 200
    title: str | None = None
    text: str | None = None       # None: extraction failed (or not tried, for errors)
    byline: str | None = None
    links: tuple[str, ...] = ()
    role: str = "article"


def demo_text(item) -> str:
    """A demo article or statement as extraction would store it: one paragraph per line."""
    paragraphs = list(item.paragraphs)
    if isinstance(item, content.Article):
        paragraphs.insert(0, item.standfirst)
    return "\n".join(content.plain_text(p) for p in paragraphs)


def hostile_fetch(version: int) -> Fetch:
    """The hostile page, written as HTML and run through the real extractor."""
    paragraphs = "".join(f"<p>{p}</p>\n" for p in HOSTILE_PARAGRAPHS[version])
    entity_title = HOSTILE_HEADLINE.replace("<", "&lt;").replace(">", "&gt;")
    html = (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{entity_title}</title>"
            f"</head><body><article><h1>{entity_title}</h1>\n{paragraphs}</article>"
            "</body></html>").encode()
    extraction = extract_page(html, HOSTILE, "text/html; charset=utf-8")
    assert extraction.status == "ok", extraction.reason
    return Fetch(HOSTILE, 200, extraction.title, extraction.text, extraction.byline,
                 tuple(HOSTILE_LINKS))


def crawl_plan() -> list[list[Fetch]]:
    """What each of the three crawls fetched, in order (an article before what it cites)."""
    plan = []
    for crawl in (1, 2, 3):
        state = 1 if crawl == 1 else 2
        articles = content.articles(min(crawl, 3))
        statement = content.statements(state)["S1"]
        a, c, e = articles["A"], articles["C"], articles["E"]
        fetches = [
            Fetch(ARTICLE, 200, a.headline, demo_text(a), a.byline, (SOURCE,)),
            Fetch(HEADLINE, 200, c.headline, demo_text(c), c.byline),
            Fetch(CITER, 200, e.headline, demo_text(e), e.byline, (SOURCE,)),
            Fetch(SOURCE, 200, statement.title, demo_text(statement), role="source"),
            hostile_fetch(state),
        ]
        if "D" in articles:
            d = articles["D"]
            fetches.insert(2, Fetch(GONE, 200, d.headline, demo_text(d), d.byline))
        else:
            fetches.insert(2, Fetch(GONE, 404))
        plan.append(fetches)
    return plan


def build_archive(data: Path, plan: list[list[Fetch]] | None = None,
                  times: list[datetime] | None = None, index_url: str | None = None) -> Path:
    """Archive every fetch of the plan into `data` (collection "test"); returns `data`.
    `index_url`: a PostgreSQL index instead of SQLite in the data folder."""
    for crawl, (fetches, start) in enumerate(zip(plan or crawl_plan(), times or CRAWL_TIMES)):
        index = open_index(data, url=index_url) if index_url else None
        archiver = Archiver(data, "test", index=index)
        try:
            for number, fetch in enumerate(fetches):
                archive_fetch(archiver, fetch, start + timedelta(seconds=number),
                              f"crawl {crawl}")
        finally:
            archiver.close()
    return data


def archive_fetch(archiver: Archiver, fetch: Fetch, at: datetime, tag: str) -> None:
    """Capture one fetch and describe it as the version pipeline would."""
    body = f"<html><!-- {tag} {fetch.url} --><body>{fetch.text or ''}</body></html>".encode()
    exchange = HttpExchange(url=fetch.url, status=fetch.status, body=body, fetched_at=at,
                            response_headers=[("Content-Type", "text/html; charset=utf-8")])
    capture = archiver.capture(exchange)
    if fetch.status != 200:
        return
    if fetch.text is None:
        archiver.describe(capture, pageinfo(role=fetch.role, status="failed"))
        return
    digest = text_hash(fetch.title, fetch.text)
    data = pageinfo(role=fetch.role, status="ok", text_hash=digest,
                    extraction={"title": fetch.title, "byline": fetch.byline},
                    links=fetch.links)
    archiver.describe(capture, data, text=fetch.text)
