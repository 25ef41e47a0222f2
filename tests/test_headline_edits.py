"""Headline edits a reader could see, and the ones only sharers and search engines see.

A fictional harbour story is captured eight times, each page written here as HTML and run
through the real extraction, hashing and archiving (as a crawl would): its social headline
and its search title change alone, its visible headline is rewritten, then flips between two
headlines (an A/B test). A second page flips its og:title only. What `changes`, `history`,
`show`, `diff` and the report say is checked, and `reindex` rebuilds the same.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from inprocess import cli

from archive.archiver import Archiver, pageinfo
from archive.extract.describe import extract_and_describe
from archive.versions.headlines import AB_TEST, FlipTracker
from archive.warc.records import HttpExchange

STORY = "http://127.0.0.1:9/news/2026/11/10/sea-wall"
TEASER = "http://127.0.0.1:9/news/2026/11/10/ferry-fares"
UNDONE = "http://127.0.0.1:9/news/2026/11/10/pier"
EVERYWHERE = "http://127.0.0.1:9/news/2026/11/10/sea-wall-everywhere"
T0 = datetime(2026, 11, 10, 8, 0, tzinfo=timezone.utc)

BODY = ("<p>The harbour board met on Tuesday evening in Brenitz and agreed, after a long and "
        "sometimes bitter debate, to repair the old sea wall before the winter storms.</p>"
        "<p>Work starts in October and is expected to cost 2.4 million, the board's treasurer "
        "said, most of it paid from the port's own reserves.</p>")
FERRY_BODY = ("<p>Ferry fares on the island routes will not rise this winter, the operator "
              "said on Monday, after a year in which ticket prices rose twice.</p>"
              "<p>The freeze holds until April, when the contract with the county ends.</p>")

H1_A = "Board agrees to mend the sea wall"
H1_B = "Sea wall to be rebuilt before winter"
OG_1, OG_2 = "Sea wall: board says yes", "Sea wall saved, board says"
TITLE_1, TITLE_2 = "Sea wall to be mended | Harbour Gazette", "Sea wall saved | Harbour Gazette"


def story(h1: str, og: str, title: str) -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta property='og:title' content='{og}'></head><body>"
            "<header><h1 class='site-logo'><a href='/'>Harbour Gazette</a></h1></header>"
            f"<article><h1>{h1}</h1>{BODY}</article></body></html>")


def teaser(og: str) -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Fares frozen"
            f"</title><meta property='og:title' content='{og}'></head><body>"
            f"<article><h1>Ferry fares frozen for winter</h1>{FERRY_BODY}</article></body></html>")


def pier(h1: str, cost: str) -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Pier</title>"
            f"</head><body><article><h1>{h1}</h1><p>The old pier at Brenitz will close for "
            f"repairs in March, the council said, at a cost it puts at {cost}; the work is "
            "expected to take most of the spring season.</p><p>Anglers will be offered the "
            "harbour wall instead while it is shut.</p></article></body></html>")


# (page, html) per capture, an hour apart.
PLAN = [
    (STORY, story(H1_A, OG_1, TITLE_1)),
    (STORY, story(H1_A, OG_2, TITLE_1)),   # social headline alone
    (STORY, story(H1_A, OG_2, TITLE_2)),   # search title alone
    (STORY, story(H1_B, OG_2, TITLE_2)),   # the visible headline: an edit
    (STORY, story(H1_A, OG_2, TITLE_2)),   # back: an A/B test
    (STORY, story(H1_B, OG_2, TITLE_2)),   # flips again: not reported again
    (STORY, story(H1_A, OG_2, TITLE_2)),
    (TEASER, teaser("Fares frozen")),
    (TEASER, teaser("Good news for island commuters")),
    (TEASER, teaser("Fares frozen")),
    (TEASER, teaser("Good news for island commuters")),
    # An edit of headline and body, then undone: edits both times, never an A/B test.
    (UNDONE, pier("Pier to close for repairs", "1.2 million")),
    (UNDONE, pier("Pier repairs to cost more", "1.9 million")),
    (UNDONE, pier("Pier to close for repairs", "1.2 million")),
    # A headline rewritten everywhere at once (h1, og:title, <title>): one edit.
    (EVERYWHERE, story(H1_A, H1_A, H1_A)),
    (EVERYWHERE, story(H1_B, H1_B, H1_B)),
]


def build(data: Path) -> Path:
    archiver = Archiver(data, "test")
    try:
        for number, (url, html) in enumerate(PLAN):
            body = html.encode()
            exchange = HttpExchange(url=url, status=200, body=body,
                                    fetched_at=T0 + timedelta(hours=number),
                                    response_headers=[("Content-Type",
                                                       "text/html; charset=utf-8")])
            capture = archiver.capture(exchange)
            if capture.kind != "response":
                continue  # the same bytes again: a revisit, described by its original
            page = extract_and_describe(body, url, "text/html; charset=utf-8", ())
            assert page.extraction.status == "ok", page.extraction.reason
            archiver.describe(capture, pageinfo(role="article", status="ok",
                                                text_hash=page.text_hash,
                                                extraction=page.fields),
                              text=page.extraction.text)
    finally:
        archiver.close()
    return data


def changes_json(data: Path) -> list[dict]:
    return json.loads(cli("changes", "--json", "--data", str(data)).stdout)["changes"]


def test_flip_tracker_reports_a_return_once_and_a_new_value_as_a_change():
    tracker = FlipTracker()
    assert [tracker.step(v) for v in "AABABABC"] == [
        None, None, "changed", "ab-test", "ab-again", "ab-again", "ab-again", "changed"]


def test_metadata_headlines_alone_make_no_version_and_are_their_own_edits(tmp_path):
    data = build(tmp_path / "data")
    history = json.loads(cli("history", STORY, "--json", "--data", str(data)).stdout)
    # Two texts only: the visible headline A and B; og:title and <title> changes made none.
    assert [v["title"] for v in history["versions"]] == [H1_A, H1_B]
    assert history["captures"][1]["headlines"] == {
        "visible": H1_A, "social": OG_2, "search": TITLE_1, "structured": None}
    kinds = [(c["kind"], c["at"][11:16]) for c in changes_json(data) if c["url"] == STORY]
    assert kinds == [(AB_TEST, "12:00"), ("edited", "11:00"), ("search-title", "10:00"),
                     ("social-headline", "09:00")]
    by_kind = {c["kind"]: c for c in changes_json(data) if c["url"] == STORY}
    assert by_kind["social-headline"]["headline"] == {"from": OG_1, "to": OG_2}
    assert by_kind["social-headline"]["field"] == "social"
    assert by_kind["search-title"]["headline"] == {"from": TITLE_1, "to": TITLE_2}
    assert by_kind[AB_TEST]["field"] == "visible"
    assert by_kind[AB_TEST]["headlines"] == [H1_B, H1_A]
    assert by_kind["edited"]["headline"]["from"] == H1_A


def test_an_og_title_ab_test_is_reported_once_with_both_headlines(tmp_path):
    data = build(tmp_path / "data")
    found = [c for c in changes_json(data) if c["url"] == TEASER]
    assert [c["kind"] for c in found] == [AB_TEST, "social-headline"]
    assert found[0]["field"] == "social"
    assert found[0]["headlines"] == ["Good news for island commuters", "Fares frozen"]
    assert json.loads(cli("history", TEASER, "--json", "--data", str(data)).stdout)[
        "versions"][0]["title"] == "Ferry fares frozen for winter"


def test_an_edit_of_headline_and_body_undone_is_two_edits_not_an_ab_test(tmp_path):
    data = build(tmp_path / "data")
    found = [c for c in changes_json(data) if c["url"] == UNDONE]
    assert [c["kind"] for c in found] == ["edited", "edited"]
    assert [f["delta"] for f in found[0]["figures"] if f["where"] == "body"] == [-700000]


def test_a_headline_rewritten_everywhere_is_one_edit_with_its_metadata_in_the_diff(tmp_path):
    data = build(tmp_path / "data")
    [change] = [c for c in changes_json(data) if c["url"] == EVERYWHERE]
    assert change["kind"] == "edited"
    assert {"field": "social", "from": H1_A, "to": H1_B} in change["metadata_headlines"]


def test_people_read_the_headline_changes_in_changes_history_show_and_diff(tmp_path):
    data = build(tmp_path / "data")
    changes = cli("changes", "--data", str(data)).stdout
    assert "social headline changed" in changes and "search title changed" in changes
    assert "headline A/B test" in changes
    history = cli("history", STORY, "--data", str(data)).stdout
    assert "Headline changes" in history and "social headline changed" in history
    assert "search title changed" in history and "headline A/B test" in history
    shown = cli("show", STORY, "--data", str(data)).stdout
    # The headline read, the URL and version, then the metadata headlines (not hashed).
    lines = shown.splitlines()
    assert lines[0] == H1_A and lines[1] == STORY and lines[2].startswith("version ")
    assert lines[3:5] == [f"social headline (og:title): {OG_2}",
                          f"search title (<title>): {TITLE_2}"]
    # The edit a reader saw: the headline B, against A; og:title changed since A was first
    # seen, and the diff says so next to the headline.
    diff = json.loads(cli("diff", STORY, "--from", "2026-11-10T08:30:00Z", "--to",
                          "2026-11-10T11:30:00Z", "--format", "json",
                          "--data", str(data)).stdout)
    assert diff["title"]["from"] == H1_A and diff["title"]["to"] == H1_B
    assert diff["ops"] == [["equal", diff["ops"][0][1]]]  # the body is the same
    assert {"field": "social", "from": OG_1, "to": OG_2} in diff["metadata_headlines"]
    text = cli("diff", STORY, "--from", "2026-11-10T08:30:00Z", "--to",
               "2026-11-10T11:30:00Z", "--data", str(data)).stdout
    assert f'Social headline (og:title): "{OG_1}" -> ' in text


def test_the_report_and_its_feed_show_headline_changes(tmp_path):
    data = build(tmp_path / "data")
    out = tmp_path / "site"
    cli("report", "--data", str(data), "--out", str(out))
    index = (out / "index.html").read_text()
    assert "Headline changes" in index and "social headline changed" in index
    assert "headline A/B test" in index
    assert "flipping between &#34;Good news for island commuters&#34; and &#34;Fares frozen" \
           "&#34;" in index
    feed = (out / "edits.atom").read_text()
    assert "Social headline changed: " in feed and "Headline A/B test: " in feed


def test_reindex_rebuilds_the_same_headline_changes(tmp_path):
    data = build(tmp_path / "data")
    before = changes_json(data), json.loads(cli("history", STORY, "--json", "--data",
                                                str(data)).stdout)
    assert cli("verify", "--data", str(data), check=False).exit_code == 0
    cli("reindex", "--data", str(data))
    after = changes_json(data), json.loads(cli("history", STORY, "--json", "--data",
                                               str(data)).stdout)
    assert after == before


def test_show_leaves_out_a_title_that_only_adds_the_site_name():
    from archive.cli.query import metadata_headline_lines
    visible = "Harbour wall to be rebuilt by spring"
    lines = metadata_headline_lines({
        "visible": visible, "search": f"{visible} | The Marrask Courier",
        "social": f"Marrask Courier: {visible}", "structured": "Wall rebuilt by spring"})
    assert lines == ["structured-data headline (JSON-LD): Wall rebuilt by spring"]
