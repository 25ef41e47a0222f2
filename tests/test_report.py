"""`palimpsest report`: what the static site says, and that archived content in it is inert."""

from datetime import timedelta
from xml.etree import ElementTree

import feedparser
import pytest
from crawling import palimpsest
from editarchive import (
    ARTICLE,
    CITER,
    CRAWL_TIMES,
    GONE,
    HEADLINE,
    HOSTILE,
    HOSTILE_HEADLINE,
    HOSTILE_LINKS,
    NOW,
    SOURCE,
    build_archive,
)
from htmlcheck import assert_csp, assert_inert

from archive.index import open_index
from archive.replay.urls import replay_url
from archive.report.model import slug_for
from archive.report.site import build_report
from archive.store.layout import DataLayout
from archive.timeutil import to_iso

ATOM = "{http://www.w3.org/2005/Atom}"
REPLAY = "http://replay.example:8080"


def make_report(data, out, since=None, **options):
    index = open_index(data, readonly=True)
    try:
        return build_report(index, DataLayout(data), out, since, now=NOW, **options)
    finally:
        index.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("report")
    data = build_archive(base / "data")
    result = make_report(data, base / "site", replay_base=REPLAY,
                         site_url="https://news.example/edits/")
    return result


def page(site, url):
    return (site.out / "pages" / slug_for(url)).read_text("utf-8")


def test_every_page_and_the_feed_are_written(site):
    names = sorted(p.name for p in (site.out / "pages").iterdir())
    slugs = [slug_for(u) for u in (ARTICLE, HEADLINE, GONE, CITER, SOURCE, HOSTILE)]
    assert names == sorted(slugs + [slug.replace(".html", ".atom") for slug in slugs])
    assert (site.pages, site.edits, site.removed, site.restored) == (6, 4, 1, 1)


def test_index_lists_edited_articles_newest_edit_first_with_words_and_figures(site):
    tree = assert_inert(site.index.read_text("utf-8"))
    rows = tree.xpath("//table[@class='edited']/tbody/tr")
    assert [row.xpath(".//span[@class='url']")[0].text for row in rows] == [HOSTILE, HEADLINE,
                                                                           ARTICLE]
    article = rows[2]
    assert article.xpath("string(td[4])").split() == ["+4", "−4"]
    assert [" ".join(f.text_content().split()) for f in article.xpath(".//span[@class='figure']")
            ] == ["1,412 → 1,438", "63 per cent → 71 per cent", "14 November → 21 November"]
    assert "cited source changed" in article.text_content()
    assert "headline rewritten" in rows[1].text_content()
    lifecycle = tree.xpath("//table[@class='lifecycle']/tbody/tr")
    assert ["restored" in r.text_content() for r in lifecycle] == [True, False]
    assert all(GONE in r.text_content() for r in lifecycle)
    sources = tree.xpath("//table[@class='sources']/tbody/tr")
    assert len(sources) == 1 and SOURCE in sources[0].text_content()
    cited_by = sources[0].xpath("td[4]//a/@href")
    assert cited_by == ["pages/" + slug_for(ARTICLE), "pages/" + slug_for(CITER)]
    stale = tree.xpath("//table[@class='stale']/tbody/tr")
    assert len(stale) == 1 and CITER in stale[0].text_content()


def test_article_page_has_timeline_headlines_diffs_replay_links_and_flagged_sources(site):
    tree = assert_inert(page(site, ARTICLE))
    bands = tree.xpath("//svg[@class='timeline']/rect")
    assert [b.get("class") for b in bands] == ["band v0", "band v1"]
    assert len(tree.xpath("//svg[@class='timeline']/circle")) == 3
    assert [d.text for d in tree.xpath("//div[@class='diff']//del")] == ["1,412", "1,412", "63",
                                                                        "14"]
    assert [i.text for i in tree.xpath("//div[@class='diff']//ins")] == ["1,438", "1,438", "71",
                                                                        "21"]
    replay = tree.xpath("//table[@class='captures']//a/@href")
    expected = [replay_url("test", to_iso(t), ARTICLE, REPLAY) for t in reversed(CRAWL_TIMES)]
    assert replay == expected
    cited = tree.xpath("//table[@class='cited']/tbody/tr")
    assert len(cited) == 1 and "changed after it was cited" in cited[0].text_content()
    assert "cited version 1, now version 2" in cited[0].text_content()
    headline_page = assert_inert(page(site, HEADLINE))
    history = headline_page.xpath("//table[@class='headlines']/tbody/tr")
    assert len(history) == 2 and history[1].xpath(".//ins")[0].text.startswith("Government")


def test_removed_and_restored_article_page(site):
    tree = assert_inert(page(site, GONE))
    assert [b.get("class") for b in tree.xpath("//svg[@class='timeline']/rect")] == [
        "band v0", "band gone", "band v0"]
    events = tree.xpath("//table[@class='lifecycle']/tbody/tr")
    assert ["taken down" in e.text_content() for e in events] == [True, False]
    assert "No edit of the text was archived." in tree.text_content()


def test_hostile_archived_text_is_inert_and_shown_as_text_everywhere(site):
    pages = [site.index] + sorted((site.out / "pages").glob("*.html"))
    for path in pages:
        tree = assert_inert(path.read_text("utf-8"))
        assert_csp(tree)
    hostile = assert_inert(page(site, HOSTILE))
    assert hostile.findtext(".//title").startswith(HOSTILE_HEADLINE)
    assert hostile.findtext(".//h1") == HOSTILE_HEADLINE
    text = hostile.text_content()
    # Shown as text (the diff interleaves old and new words, so look for unchanged stretches).
    for shown in ("<script>alert(document.", ")</script>", "read <img src=x onerror",
                  '<a href="javascript:alert(3)', '">this link</a>', *HOSTILE_LINKS):
        assert shown in text
    deleted = [d.text_content() for d in hostile.xpath("//div[@class='diff']//del")]
    inserted = [i.text_content() for i in hostile.xpath("//div[@class='diff']//ins")]
    assert {"img src=x onerror", "javascript:alert(3)"} <= set(deleted)
    assert {"svg onload", "data:text/html,<script>alert(5)</script>"} <= set(inserted)
    # The cited javascript: and data: URLs are listed as text, never as links.
    sources = hostile.xpath("//table[@class='cited']/tbody/tr")
    assert [s.xpath(".//a") for s in sources] == [[], []]


def test_feed_is_valid_atom_with_one_inert_entry_per_event(site):
    raw = site.feed.read_bytes()
    root = ElementTree.fromstring(raw)  # well-formed XML
    assert root.tag == f"{ATOM}feed"
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    titles = [entry.title for entry in parsed.entries]
    assert titles[0].startswith("Restored: ") and len(titles) == 6
    assert f"Edited: {HOSTILE_HEADLINE}" in titles
    assert len({entry.id for entry in parsed.entries}) == 6
    links = [entry.link for entry in parsed.entries]
    assert links[0] == "https://news.example/edits/pages/" + slug_for(GONE)
    for entry in root.iter(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "link", "content"):
            assert entry.find(f"{ATOM}{required}") is not None
        assert_inert(entry.find(f"{ATOM}content").text, fragment=True)
    hostile = next(e for e in parsed.entries if e.title == f"Edited: {HOSTILE_HEADLINE}")
    html = hostile.content[0].value
    assert "&lt;script&gt;alert(document." in html and "<ins>domain</ins>" in html


def test_each_page_links_its_own_feed_of_its_whole_story(site):
    html = page(site, GONE)
    feed_name = slug_for(GONE).replace(".html", ".atom")
    tree = assert_inert(html)
    assert tree.xpath('//link[@rel="alternate"][@title="Edits of this page (Atom)"]/@href') \
        == [feed_name]
    assert tree.xpath(f'//a[@href="{feed_name}"]/text()') == ["Atom feed of this page's edits"]
    raw = (site.out / "pages" / feed_name).read_bytes()
    parsed = feedparser.parse(raw)
    assert not parsed.bozo and parsed.version == "atom10"
    assert [e.title.split(":")[0] for e in parsed.entries] == ["Restored", "Taken down"]
    assert parsed.entries[0].link == "https://news.example/edits/pages/" + slug_for(GONE)
    assert parsed.feed.links[0].href == "https://news.example/edits/pages/" + feed_name
    hostile = feedparser.parse((site.out / "pages" / slug_for(HOSTILE).replace(
        ".html", ".atom")).read_bytes())
    assert hostile.feed.title == f"Palimpsest: edits of {HOSTILE_HEADLINE}"
    assert [e.title for e in hostile.entries] == [f"Edited: {HOSTILE_HEADLINE}"]
    for entry in ElementTree.fromstring((site.out / "pages" / slug_for(HOSTILE).replace(
            ".html", ".atom")).read_bytes()).iter(f"{ATOM}entry"):
        assert_inert(entry.find(f"{ATOM}content").text, fragment=True)


def test_feed_ids_are_stable_across_rebuilds(site, tmp_path):
    data = build_archive(tmp_path / "data")
    again = make_report(data, tmp_path / "site", replay_base=REPLAY,
                        site_url="https://news.example/edits/")
    ids = [e.id for e in feedparser.parse(site.feed.read_bytes()).entries]
    assert [e.id for e in feedparser.parse(again.feed.read_bytes()).entries] == ids


def test_since_limits_the_report_to_the_period_and_stale_pages_are_removed(tmp_path):
    data = build_archive(tmp_path / "data")
    out = tmp_path / "site"
    make_report(data, out)
    result = make_report(data, out, since=CRAWL_TIMES[2] - timedelta(hours=1))
    assert (result.pages, result.edits, result.removed, result.restored) == (1, 0, 0, 1)
    assert sorted(p.name for p in (out / "pages").iterdir()) == [
        slug_for(GONE).replace(".html", ".atom"), slug_for(GONE)]
    tree = assert_inert(result.index.read_text("utf-8"))
    assert "No article was edited in this period." in tree.text_content()
    assert len(feedparser.parse(result.feed.read_bytes()).entries) == 1


def test_report_refuses_a_folder_that_holds_something_else(tmp_path):
    data = build_archive(tmp_path / "data")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("keep me")
    result = palimpsest("report", "--data", str(data), "--out", str(precious), check=False)
    assert result.returncode == 2 and "holds no earlier report" in result.stderr
    assert sorted(p.name for p in precious.iterdir()) == ["thesis.txt"]
    bad = palimpsest("report", "--data", str(data), "--replay-base", "javascript:alert(1)",
                     check=False)
    assert bad.returncode == 2 and "--replay-base" in bad.stderr
    done = palimpsest("report", "--data", str(data))
    assert f"Report: {data / 'report' / 'index.html'}" in done.stdout


def test_diff_html_is_a_standalone_inert_page(tmp_path):
    data = build_archive(tmp_path / "data")
    html = palimpsest("diff", HOSTILE, "--format", "html", "--data", str(data)).stdout
    tree = assert_inert(html)
    assert_csp(tree)
    assert tree.findtext(".//h1") == HOSTILE_HEADLINE
    assert tree.xpath("//div[@class='diff']//ins") and tree.xpath("//div[@class='diff']//del")
