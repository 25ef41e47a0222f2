"""A small archive with known edits, built with the Archiver (no crawl) at fixed times.

Texts come from real extraction (archive.extract.article) of pages written here, or are
written here as extraction would store them (one paragraph per line), so what the diff, changes
and report tests see is what a crawl would have stored. All of it is fiction of the suite's own
(the demo site tells another story, and its tests are its own). Three "crawls", a day apart:

- ARTICLE: 1,412 -> 1,438 (twice), 63 -> 71 per cent, 14 -> 21 November; cites SOURCE.
- HEADLINE: headline rewritten in crawl 2.
- GONE: 404 in crawl 2, back unchanged in crawl 3.
- CITER: unchanged; cites SOURCE, which changes after it cited it.
- SOURCE (the health office's bulletin): 1,412 -> 1,438 in crawl 2.
- HOSTILE: markup, event handlers and a javascript: link written as entities in the page, which
  extraction turns into text that looks like markup; a headline of `</title><script>`. Its
  second version rewrites the hostile sentences, so they appear inserted and deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from archive.archiver import Archiver, pageinfo
from archive.extract.article import extract_page
from archive.extract.normalize import text_hash
from archive.index import open_index
from archive.warc.records import HttpExchange

BASE = "http://127.0.0.1:9"
ARTICLE = f"{BASE}/news/2026/11/03/flood-count"
HEADLINE = f"{BASE}/news/2026/11/05/displaced-families"
GONE = f"{BASE}/news/2026/11/06/army-engineers"
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


@dataclass(frozen=True)
class Story:
    """A page's headline, byline and text as extraction stores it: one paragraph per line."""

    headline: str
    byline: str | None
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    def revised(self, *swaps: tuple[str, str]) -> Story:
        """The same story with each (old, new) swapped everywhere in its text."""
        paragraphs = self.paragraphs
        for old, new in swaps:
            paragraphs = tuple(p.replace(old, new) for p in paragraphs)
        return Story(self.headline, self.byline, paragraphs)


ARTICLE_STORY = Story(
    "Health office publishes its first full count of flood injuries", "Nadia Ferrow", (
        "The regional health office said on Thursday that 1,412 people were treated for "
        "injuries during the October floods in the Tarn valley, the first count to include the "
        "mountain villages.",
        "The figure comes from the records of six hospitals and of the first-aid tents that "
        "volunteers ran in school yards while the roads were closed.",
        "According to the office's weekly bulletin, most of the 1,412 injuries were cuts, "
        "sprains and cases of hypothermia. Nobody has died of their injuries since the first "
        "night.",
        "The office also reported that 63 per cent of the families evacuated from the riverside "
        "estates had gone home, though many of them still have no hot water.",
        "Field kitchens run by the fire service will close on 14 November, the office said. "
        "Several mayors have asked for them to stay open until the new year.",
        "Opposition councillors want an inquiry into why the sirens in Lower Tarnby sounded "
        "only after the water had reached the main square.",
    ))
ARTICLE_EDITS = (("1,412", "1,438"), ("63 per cent", "71 per cent"),
                 ("14 November", "21 November"))
HEADLINE_STORY = Story(
    "Flooded families wait in school halls for temporary homes", "Piet Alder", (
        "Some two thousand households made homeless by the floods are sleeping in school halls "
        "and sports centres while the government looks for land for prefabricated homes.",
        "In Upper Tarnby, thirty families share the gymnasium of the primary school. Children "
        "do their homework at the dinner tables, and the showers open only in the evening.",
        "Officials say the first homes cannot be delivered before the roads are repaired and "
        "the sites drained, which could take several weeks.",
        "Families with young children, older relatives or disabled members will be housed "
        "first. Those who can stay with relatives will be paid a monthly allowance instead.",
    ))
NEW_HEADLINE = "Government promises temporary homes for flooded families before the frosts"
GONE_STORY = Story(
    "Neighbouring region sends army engineers to rebuild the river walls", "Lotte Brun", (
        "A team of army engineers from the neighbouring region will help to rebuild the river "
        "walls, bringing two floating bridges and a crane barge with them.",
        "The engineers are expected next week and will work downstream of the Tarnby weir, "
        "where the walls gave way in three places during the floods.",
        "The offer followed a telephone call between the two regional governors, officials "
        "said. It is the first joint operation of its kind in twenty years.",
    ))
CITER_STORY = Story(
    "Charities warn that the flood valley faces a cold and damp winter", "Nadia Ferrow", (
        "Charities working in the Tarn valley say damaged homes and broken boilers could leave "
        "many families cold when the first frosts arrive.",
        "Their report draws on the health office's count of injured people to estimate how "
        "many are still recovering at home, often in damp houses.",
        "Volunteers are handing out heaters and dehumidifiers, but the charities say their "
        "stock will run out before the end of the month.",
        "The report asks councils to check on older residents in person, since many telephone "
        "lines in the valley are still down.",
    ))
SOURCE_STORY = Story(
    "Weekly bulletin: injuries treated during the floods", None, (
        "The regional health office has now received injury records from all six hospitals in "
        "the valley and from the volunteer first-aid tents. It counts 1,412 injured in all.",
        "Most injuries were minor. Forty people were admitted to hospital, and five of them "
        "remain there today.",
        "The office will publish a revised count if further records reach it.",
    ))


def crawl_plan() -> list[list[Fetch]]:
    """What each of the three crawls fetched, in order (an article before what it cites)."""
    plan = []
    for crawl in (1, 2, 3):
        edited = crawl > 1
        article = ARTICLE_STORY.revised(*ARTICLE_EDITS) if edited else ARTICLE_STORY
        headline = NEW_HEADLINE if edited else HEADLINE_STORY.headline
        source = SOURCE_STORY.revised(ARTICLE_EDITS[0]) if edited else SOURCE_STORY
        fetches = [
            Fetch(ARTICLE, 200, article.headline, article.text, article.byline, (SOURCE,)),
            Fetch(HEADLINE, 200, headline, HEADLINE_STORY.text, HEADLINE_STORY.byline),
            Fetch(GONE, 404) if crawl == 2 else
            Fetch(GONE, 200, GONE_STORY.headline, GONE_STORY.text, GONE_STORY.byline),
            Fetch(CITER, 200, CITER_STORY.headline, CITER_STORY.text, CITER_STORY.byline,
                  (SOURCE,)),
            Fetch(SOURCE, 200, source.headline, source.text, role="source"),
            hostile_fetch(2 if edited else 1),
        ]
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
