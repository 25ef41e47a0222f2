"""Stale figures (issue 18) on a mock ministry and newspaper on loopback: the ministry revises
two figures; one article keeps both (two findings), one catches up (a closed finding), one
mentions the same numbers in other senses (none); an article citing the Azerbaijani statement
keeps its old figure (a finding across languages); an article revises a figure its source still
shows (ahead of its source). Findings survive `reindex` unchanged."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from crawling import crawl, write_seeds
from htmlcheck import assert_csp, assert_inert
from inprocess import cli
from stalesite import ARTICLES, StaleSite

from archive.index import open_index
from archive.report.model import slug_for
from archive.report.site import build_report
from archive.store.layout import DataLayout
from archive.timeutil import utcnow
from archive.versions.edits import EditReader
from archive.versions.stale import stale_events


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    base = tmp_path_factory.mktemp("stale")
    site = StaleSite().start()
    try:
        seeds = write_seeds(base / "seeds.toml", [(site.article_url(n), "page") for n in ARTICLES],
                            sources=1, source_hosts=["*"], robots="ignore")
        data = base / "data"
        stages = {}
        for stage in (1, 2, 3):
            site.stage = stage
            stages[stage] = utcnow()
            summary = crawl(seeds, data, "--all")
            assert summary["failed"] == 0, summary
        yield site, data, stages
    finally:
        site.stop()


def stale_cli(data, *args):
    return cli("stale", "--data", str(data), *args).output


def findings(data):
    return json.loads(stale_cli(data, "--json"))["findings"]


def by_article(found, site, name):
    return [f for f in found if f["article"]["url"] == site.article_url(name)]


def test_an_article_keeping_both_old_figures_has_one_open_finding_per_figure(archive):
    site, data, _ = archive
    found = by_article(findings(data), site, "a")
    assert sorted((f["kind"], f["state"], f["shown"]["figure"], f["revision"]["from"],
                   f["revision"]["to"], f["revision"]["delta"]) for f in found) == [
        ("stale", "open", "1,946", "1,946", "1,958", 12),
        ("stale", "open", "2,783", "2,783", "2,790", 7)]
    for finding in found:
        assert finding["source"]["url"] == site.source_url("statement")
        assert finding["revision"]["before_replay_url"] != finding["revision"]["after_replay_url"]
        assert finding["opened_at"] == finding["revision"]["at"]  # stale from the revision on


def test_an_article_that_catches_up_has_a_closed_finding(archive):
    site, data, stages = archive
    found = by_article(findings(data), site, "b")
    assert sorted((f["state"], f["shown"]["figure"], f["closed_because"]) for f in found) == [
        ("closed", "1,946", "updated"), ("closed", "2,783", "updated")]
    for finding in found:
        assert finding["closed_at"] >= stages[3].isoformat()[:19]


def test_the_same_numbers_in_other_senses_make_no_finding(archive):
    site, data, _ = archive
    assert by_article(findings(data), site, "c") == []


def test_a_source_in_another_language_is_matched_by_its_value(archive):
    site, data, _ = archive
    [finding] = by_article(findings(data), site, "d")
    assert (finding["shown"]["figure"], finding["revision"]["from"], finding["revision"]["to"],
            finding["revision"]["delta"]) == ("2,783", "2.783", "2.790", 7)
    assert finding["shown"]["language"] == "en"
    assert finding["source"]["url"] == site.source_url("statement-az")


def test_an_article_ahead_of_its_source_is_reported(archive):
    site, data, _ = archive
    [finding] = by_article(findings(data), site, "e")
    assert (finding["kind"], finding["state"], finding["shown"]["figure"],
            finding["revision"]["from"], finding["revision"]["to"]) == (
        "ahead", "open", "412", "412", "418")
    assert finding["shown"]["url"] == site.source_url("homes")


def test_the_stale_command_reads_for_people(archive):
    site, data, _ = archive
    text = stale_cli(data)
    # One of the six is an article ahead of its source, which is no stale figure.
    assert text.startswith(
        "6 findings (5 stale figures, 1 article ahead of its source): 4 open, 2 closed\n")
    # How long a finding has been open depends on the machine's speed: any number of minutes.
    assert re.search(r'OPEN for \d+ min: "Floods: injury count passes 2,700" still shows '
                     r'2,783\n  its source "Flood update" revised 2,783 -> 2,790 \(\+7\) at ',
                     text)
    assert re.search(r'closed after \d+ min \(updated\): "Flood toll rises as shelters fill" '
                     r'showed 1,946\n', text)
    assert '  it reads: "Aid groups said 1,946 families had moved into shelters run by the ' \
        in text
    assert '"Flooded homes need rewiring" is ahead of its source' in text
    assert "Orchards" not in text
    assert f"  source:  {site.source_url('statement-az')}" in text


def test_since_keeps_the_findings_opened_or_closed_since(archive):
    site, data, stages = archive
    future = (utcnow() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert stale_cli(data, "--since", future) == f"No stale figures since {future}.\n"
    later = json.loads(stale_cli(data, "--json", "--since", stages[3].isoformat()))
    # Opened at stage 3 (the article ahead) or closed then (the article that caught up).
    assert sorted((f["kind"], f["state"]) for f in later["findings"]) == [
        ("ahead", "open"), ("stale", "closed"), ("stale", "closed")]


def test_events_for_notifications_say_what_opened_and_closed(archive):
    site, data, stages = archive
    index = open_index(data, readonly=True)
    try:
        events = stale_events(EditReader(index, DataLayout(data)), stages[3])
    finally:
        index.close()
    assert sorted(e.kind for e in events) == ["ahead-opened", "stale-closed", "stale-closed"]
    closed = next(e for e in events if e.kind == "stale-closed")
    message = closed.to_json()["finding"]["summary"]
    assert message.startswith(f"{site.article_url('b')} still shows ")
    assert "(closed " in message and ": updated)" in message


def test_findings_survive_reindex_unchanged(archive, tmp_path):
    site, data, _ = archive
    before = findings(data)
    cli("reindex", "--data", str(data))
    after = findings(data)
    for finding in before + after:
        finding.pop("open_seconds")
    assert after == before and len(before) == 6


def test_the_report_leads_with_stale_figures_and_shows_them_on_the_article(archive, tmp_path):
    site, data, _ = archive
    index = open_index(data, readonly=True)
    try:
        result = build_report(index, DataLayout(data), tmp_path / "site",
                              replay_base="http://replay.example:8080")
    finally:
        index.close()
    front = result.index.read_text("utf-8")
    assert_csp(assert_inert(front))
    assert front.index("<h2>Stale figures</h2>") < front.index("<h2>Edited articles</h2>")
    assert "<b>4</b> stale figures" in front
    section = front[front.index("<h2>Stale figures</h2>"):front.index("<h2>Edited articles")]
    assert section.count('<tr class="open">') == 4 and section.count('<tr class="closed">') == 2
    assert "<del>2,783</del> → <ins>2,790</ins></span> (+7)" in section
    assert "<del>2.783</del> → <ins>2.790</ins></span> (+7)" in section
    assert "&lt;script&gt;alert(&#39;stale&#39;)&lt;/script&gt;" in section
    article = (result.out / "pages" / slug_for(site.article_url("a"))).read_text("utf-8")
    assert_csp(assert_inert(article))
    mine = article[article.index("<h2>Stale figures</h2>"):article.index("<h2>Timeline</h2>")]
    assert mine.count('<tr class="open">') == 2
    assert mine.count('>before</a>') == 2 and mine.count('>after</a>') == 2
    assert 'href="http://replay.example:8080/test/' in mine
    assert f'href="{slug_for(site.source_url("statement"))}"' in mine


def test_stale_findings_are_an_event_kind_of_the_notifications(archive):
    from archive.notify.sources import FILTERS, SourceContext, collect

    site, data, stages = archive
    assert "stale" in FILTERS
    index = open_index(data, readonly=True)
    try:
        context = SourceContext(index, EditReader(index, DataLayout(data)), "test",
                                report_url="https://news.example/edits/")
        notices = [n for n in collect(context, stages[3].strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
                   if "stale" in n.tags]
    finally:
        index.close()
    assert sorted((n.kind, n.url) for n in notices) == [
        ("ahead-opened", site.article_url("e")), ("stale-closed", site.article_url("b")),
        ("stale-closed", site.article_url("b"))]
    closed = next(n for n in notices if n.kind == "stale-closed")
    assert closed.summary == "No longer stale (updated)"
    assert [label for label, _ in closed.links] == ["Report", "Revised: before",
                                                     "Revised: after", "As it read"]
    assert len({n.key for n in notices}) == 3
