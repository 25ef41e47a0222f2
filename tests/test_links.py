"""Cited links come from the article itself; listing links from a section front's main content."""

import doctest
from pathlib import Path

import lxml.html
import pytest

import archive.extract.links
from archive.extract.links import cited_links
from archive.extract.listing import listing_links
from archive.extract.region import article_region

PAGES = Path(__file__).parent / "data" / "pages"
URL = "https://www.harrowgate-ledger.example/news/2024/05/14/millbrook-reservoir-stays-shut"
LISTING_URL = "https://www.harrowgate-ledger.example/news/environment/"

ARTICLE_LINKS = [
    # the standfirst: the only link to the report the story is about
    "https://www.valewater.example/publications/millbrook-spillway-inspection-2024",
    # the lead image caption
    "https://pictures.northmoor-agency.example/frames/88120",
    # the body
    "https://www.reservoir-safety-panel.example/panel/members",
    "https://democracy.harrowgate-council.example/meetings/2024/05/07/environment-scrutiny/minutes.pdf",
    "https://www.northmoor.ac.example/research/open-water-safety-study",
    "https://www.valewater.example/news/millbrook-repair-tender",
]


def read(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def test_doctests():
    results = doctest.testmod(archive.extract.links)
    assert results.failed == 0 and results.attempted > 0


def test_article_cites_exactly_its_sources_in_document_order():
    assert cited_links(read("article.html"), URL) == ARTICLE_LINKS


def test_boilerplate_churn_does_not_change_the_links():
    assert cited_links(read("article_churned.html"), URL) == ARTICLE_LINKS


@pytest.mark.parametrize(
    "boilerplate",
    [
        "/news/environment/",  # site navigation
        "https://subscribe.harrowgate-ledger.example/offer?src=header",  # site header
        "https://ads.adserver.example/click",  # ad slots
        "/authors/ines-calloway",  # byline
        "https://social.example/",  # share bar and author bio
        "/tags/",  # tag list
        "https://lists.harrowgate-ledger.example/subscribe",  # newsletter box
        "/privacy/",  # newsletter small print and footer
        "https://lido-campaign.example/petition",  # reader comment
        "/news/2023/08/21/millbrook-swimmers-record-summer",  # inline "Related" aside
        "/news/2024/05/13/harrow-bridge-reopens-after-flood-repairs",  # "More from The Ledger"
        "https://clicks.promo-network.example/",  # PROMOTED STORIES
        "/news/2024/05/10/new-bus-timetable-harrow-valley",  # "Most read" rail
        "/about/",  # site footer
    ],
)
def test_boilerplate_links_are_not_cited(boilerplate):
    assert not [link for link in cited_links(read("article.html"), URL) if boilerplate in link]


def test_region_holds_headline_standfirst_body_and_caption_only():
    doc = lxml.html.document_fromstring(read("article.html"))
    region = article_region(doc)
    text = region.text()
    assert "Millbrook reservoir to stay shut all summer" in text
    assert "inspection report" in text and "Northmoor Picture Agency" in text
    assert "put out to tender" in text
    for boilerplate in (
        "Skip to content",
        "PROMOTED STORIES",
        "More from The Ledger",
        "Most read",
        "Comments (3)",
        "The Morning Ledger",
        "has covered the environment",
    ):
        assert boilerplate not in text


def test_article_region_leaves_the_document_alone():
    doc = lxml.html.document_fromstring(read("article.html"))
    before = lxml.html.tostring(doc)
    article_region(doc)
    assert lxml.html.tostring(doc) == before


def test_javascript_shell_has_no_region_and_no_links():
    doc = lxml.html.document_fromstring(read("js_shell.html"))
    assert article_region(doc) is None
    assert cited_links(doc, URL) == []


def body(inner: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{inner}</body></html>"


PROSE = "The committee met for three hours and heard from eleven residents before the vote. " * 3


def test_standfirst_outside_the_article_element_is_found():
    html = body(f"""
        <nav><a href="/news/">News</a></nav>
        <main>
          <header><h1>Headline</h1>
            <p class="lede">Per <a href="https://gov.example/report">the report</a>.</p></header>
          <article><p>{PROSE}<a href="https://data.example/table">table</a></p><p>{PROSE}</p></article>
        </main>""")
    assert cited_links(html, "https://news.example/story") == [
        "https://gov.example/report",
        "https://data.example/table",
    ]


def test_article_body_without_header_widens_to_the_headline():
    html = body(f"""
        <div class="story"><h1>Headline</h1>
          <p class="summary"><a href="https://gov.example/report">Report</a> out today.</p>
          <div itemprop="articleBody"><p>{PROSE}</p><p>{PROSE}<a href="https://data.example/x">x</a></p></div>
        </div>
        <div class="rail-wrap"><ul><li><a href="/other-story">Other</a></li></ul></div>""")
    assert cited_links(html, "https://news.example/story") == [
        "https://gov.example/report",
        "https://data.example/x",
    ]


def test_div_soup_falls_back_to_the_densest_paragraphs():
    html = body(f"""
        <div id="top"><a href="/">Home</a> <a href="/world">World</a></div>
        <div id="c"><h1>Headline</h1><p>{PROSE}<a href="https://court.example/ruling">ruling</a></p><p>{PROSE}</p></div>
        <div id="bottom"><p>Short <a href="/contact">contact</a>.</p></div>""")
    assert cited_links(html, "https://news.example/story") == ["https://court.example/ruling"]


def test_page_wrapped_in_a_form_still_has_an_article():
    html = body(f"""<form id="aspnetForm" action="/story"><div class="page">
        <article><h1>H</h1><p>{PROSE}<a href="https://court.example/ruling">ruling</a></p></article>
        </div></form>""")
    assert cited_links(html, "https://news.example/story") == ["https://court.example/ruling"]


@pytest.mark.parametrize(
    "rail",
    [
        '<section><h2>More from The Post</h2><ul><li><a href="/more-1">One</a></li></ul></section>',
        '<h3>Read more:</h3><ul><li><a href="/1">One</a></li><li><a href="/2">Two</a></li></ul>',
        '<div><div class="hdr">Promoted Stories</div><a href="https://ads.example/1">Ad</a></div>',
        '<div class="relatedStories"><a href="/more-1">One</a></div>',
        '<div class="c-most-read"><a href="/more-1">One</a></div>',
        '<div aria-label="Share on social"><a href="https://social.example/share">Share</a></div>',
        '<div role="complementary"><a href="/more-1">One</a></div>',
    ],
)
def test_rails_inside_the_article_are_pruned(rail):
    html = body(
        f"<article><h1>H</h1><p>{PROSE}<a href='https://src.example/a'>a</a></p>{rail}<p>{PROSE}</p></article>"
    )
    assert cited_links(html, "https://news.example/story") == ["https://src.example/a"]


def test_a_read_more_link_in_a_sentence_is_kept():
    html = body(
        f"<article><h1>H</h1><p>{PROSE}</p>"
        "<p>Read more in <a href='https://src.example/a'>the audit</a>.</p></article>"
    )
    assert cited_links(html, "https://news.example/story") == ["https://src.example/a"]


def test_link_filtering_resolution_and_deduplication():
    html = body(f"""<article><h1>H</h1><p>{PROSE}
        <a href="#section-2">jump</a> <a href="javascript:void(0)">js</a>
        <a href="mailto:desk@news.example">mail</a>
        <a href="tel:+4412345">tel</a> <a href="data:text/html,hi">data</a> <a href="ftp://files.example/x">ftp</a>
        <a href="/story#comments">self</a> <a href="https://news.example/story">self again</a>
        <a href=" /docs/report.pdf ">relative</a> <a href="https://src.example/a#p3">a</a>
        <a href="https://src.example/a">a again</a> <a href="//cdn.example/file">scheme-relative</a>
        <a href="https://src.example/caf\u00e9 menu">unicode</a> <a>no href</a> <a href="http://[bad">bad</a>
        </p></article>""")
    assert cited_links(html, "https://news.example/story") == [
        "https://news.example/docs/report.pdf",
        "https://src.example/a",
        "https://cdn.example/file",
        "https://src.example/caf%C3%A9%20menu",
    ]


def test_base_href_wins_over_the_page_url():
    html = body(
        f"<article><h1>H</h1><p>{PROSE}<a href='doc/1'>d</a></p></article>",
        '<base href="https://mirror.example/a/">',
    )
    assert cited_links(html, "https://news.example/story") == ["https://mirror.example/a/doc/1"]


def test_relative_links_without_a_base_are_dropped():
    html = body(
        f"<article><h1>H</h1><p>{PROSE}<a href='/doc'>d</a><a href='https://src.example/'>s</a></p></article>"
    )
    assert cited_links(html, "") == ["https://src.example/"]


@pytest.mark.parametrize("junk", ["", "   ", "\x00\x01\x02", "<<<>>>", "<html></html>"])
def test_junk_gives_no_links(junk):
    assert cited_links(junk, URL) == []


def test_deep_nesting_is_survived():
    html = (
        "<html><body>"
        + "<div>" * 10_000
        + f"<p>{PROSE}<a href='https://src.example/deep'>x</a></p>"
        + "</div>" * 10_000
    )
    # libxml2 stops nesting at depth 256 and drops what lies deeper: no links, and no crash.
    assert cited_links(html, URL) == []


def test_listing_links_are_the_articles_in_main_content():
    assert listing_links(read("listing.html"), LISTING_URL) == [
        "https://www.harrowgate-ledger.example/news/2024/05/14/millbrook-reservoir-stays-shut",
        "https://www.harrowgate-ledger.example/news/2024/05/13/heron-colony-returns-to-lindley-marsh",
        "https://www.harrowgate-ledger.example/news/2024/05/12/river-harrow-bathing-water-status",
        "https://www.harrowgate-ledger.example/news/88412",
        "https://harrowgate-ledger.example/news/2024/05/10/solar-farm-plan-refused",
    ]


def test_listing_without_main_uses_the_pruned_body():
    html = body("""<header><a href="/news/2024/01/01/header-story-not-wanted">x</a></header>
        <div class="content"><a href="/news/2024/05/01/wanted-story">y</a>
          <a href="/news/world/">World</a> <a href="/articles/flood-count">Flood count</a>
          <a href="/promoted/pension-mistake?cb=1">Ad</a></div>
        <footer><a href="/news/2024/01/02/footer-story-not-wanted">z</a></footer>""")
    assert listing_links(html, "https://news.example/news/") == [
        "https://news.example/news/2024/05/01/wanted-story",
        "https://news.example/articles/flood-count",
    ]


def test_listing_of_junk_is_empty():
    assert listing_links("", LISTING_URL) == []
