"""What trafilatura loses inside an article's body comes back in place; what is around it stays out.

The article is fiction. Its blocks are wrapped the way CMSs wrap embedded blocks (``widget``,
``embed``), which trafilatura's precision mode discards with everything in them.
"""

import doctest

import pytest
import trafilatura

import archive.extract.wholebody
from archive.extract.article import TRAFILATURA_FIXED_OPTIONS, TRAFILATURA_OPTIONS, extract_html
from archive.extract.normalize import text_hash

URL = "https://www.dunmore-courier.example/news/2026/03/kessel-ferry-fares"
PARAGRAPHS = [
    "Return tickets on the Kessel island ferry will cost eleven pounds from March, the operator "
    "said on Tuesday, after a winter in which two of its three boats spent weeks in dry dock.",
    "Islanders said they had not been consulted and that the new timetable would leave the last "
    "boat of the day at half past six, too early for shift workers at the mainland hospital.",
    "Harbour Links said repair bills for the two older boats had doubled since the contract "
    "began, and that fuel costs alone had risen by a third in two years.",
    "A spokesperson for the county council said the board would review the fares again in the "
    "autumn, once the operator had published its accounts for the year.",
]
SUBHEADING = "How big a rise is it for islanders?"
ITEMS = ["Adult return: eleven pounds, up from nine fifty", "Bicycles still travel free of charge"]
CAPTION = "The Marra Bell leaving Kessel pier in January, photographed by a reader."


def page(middle: str, after_body: str = "") -> str:
    """The article with ``middle`` between its second and third paragraphs."""
    first, second, third, fourth = (f"<p>{text}</p>" for text in PARAGRAPHS)
    return (
        "<html><head><title>Ferry fares rise on the Kessel line</title></head><body>"
        '<header class="site-header"><a href="/">The Dunmore Courier</a></header>'
        "<main><article><h1>Ferry fares rise on the Kessel line</h1>"
        f'<div class="article-body">{first}{second}{middle}{third}{fourth}</div>{after_body}'
        '</article><aside class="rail"><h2>Most read</h2><ul><li><a href="/news/harbour">'
        "Harbour wall repairs finish early</a></li></ul></aside></main></body></html>"
    )


def trafilatura_text(html: str) -> str:
    document = trafilatura.bare_extraction(
        html, url=URL, **TRAFILATURA_FIXED_OPTIONS, **TRAFILATURA_OPTIONS
    )
    return document.text


def lines(html: str) -> list[str]:
    extraction = extract_html(html, URL)
    assert extraction.status == "ok"
    return extraction.text.splitlines()


def digest(html: str) -> str:
    extraction = extract_html(html, URL)
    return text_hash(extraction.title, extraction.text)


def test_doctests():
    results = doctest.testmod(archive.extract.wholebody)
    assert results.failed == 0 and results.attempted > 0


@pytest.mark.parametrize("wrapper", ["widget", "embed"])
def test_a_lost_subheading_comes_back_between_its_paragraphs(wrapper):
    html = page(f'<div class="{wrapper}"><h2>{SUBHEADING}</h2></div>')
    assert SUBHEADING not in trafilatura_text(html)  # what this test is about
    assert lines(html) == [PARAGRAPHS[0], PARAGRAPHS[1], SUBHEADING, PARAGRAPHS[2], PARAGRAPHS[3]]
    edited = page(f'<div class="{wrapper}"><h2>How big a rise is it for visitors?</h2></div>')
    assert digest(html) != digest(edited)


def test_lost_list_items_come_back_in_order_and_an_edit_to_one_is_seen():
    items = "".join(f"<li>{item}</li>" for item in ITEMS)
    html = page(f'<div class="widget"><ul>{items}</ul></div>')
    assert ITEMS[0] not in trafilatura_text(html)
    assert lines(html)[2:4] == ITEMS
    edited = page(
        f'<div class="widget"><ul><li>{ITEMS[0]}</li><li>Bicycles: two pounds</li></ul></div>'
    )
    assert digest(html) != digest(edited)


def test_a_lost_block_quote_comes_back_and_a_lost_caption_does_not():
    html = page(
        f'<figure><img src="/img/ferry.jpg"><figcaption>{CAPTION}</figcaption></figure>'
        '<div class="embed"><blockquote><p>We were told about this by a poster on the pier, '
        "not by a letter.</p></blockquote></div>"
    )
    assert CAPTION not in trafilatura_text(html)
    quote = "We were told about this by a poster on the pier, not by a letter."
    # captions are boilerplate by trafilatura's corpus, whose figures must not get worse
    assert lines(html)[2:3] == [quote] and CAPTION not in lines(html)


@pytest.mark.parametrize(
    "marked",
    [
        # the marker at the end of a paragraph, the sentence in the same paragraph
        f"<p>{PARAGRAPHS[1]}<span id='more-4812'></span> The added sentence after the marker.</p>",
        # a paragraph that starts with the marker
        f"<p><span id='more-4812'></span>The added sentence after the marker. {PARAGRAPHS[1]}</p>",
        # the marker between paragraphs, the sentence bare after it
        f"<p>{PARAGRAPHS[1]}</p><span id='more-4812'></span>The added sentence after the marker.",
    ],
)
def test_text_after_a_read_more_marker_is_kept(marked):
    first, _, third, fourth = (f"<p>{text}</p>" for text in PARAGRAPHS)
    html = page("").replace(f"<p>{PARAGRAPHS[1]}</p>", marked)
    assert "The added sentence after the marker." not in trafilatura_text(html)
    text = "\n".join(lines(html))
    assert "The added sentence after the marker." in text
    assert PARAGRAPHS[1] in text and PARAGRAPHS[2] in text
    assert digest(html) != digest(html.replace("added sentence", "inserted sentence"))


def test_a_view_counter_right_after_the_body_stays_out():
    counter = (
        '<div class="widget"><p>Read by {} people this week, a record for the Courier.</p></div>'
    )
    html = page("", after_body=counter.format("1,284"))
    assert "Read by" not in "\n".join(lines(html))
    assert digest(html) == digest(page("", after_body=counter.format("1,316")))


def test_counters_timestamps_and_link_lists_inside_the_body_stay_out():
    churn = (
        '<div class="widget"><h3>Updated {} minutes ago</h3></div>'
        '<div class="embed"><ul><li><a href="/news/{}">Harbour wall repairs finish early</a></li>'
        "</ul></div>"
    )
    html = page(churn.format(5, "harbour"))
    text = "\n".join(lines(html))
    assert "Updated" not in text and "Harbour wall" not in text
    assert digest(html) == digest(page(churn.format(12, "library")))


def test_what_trafilatura_keeps_is_left_as_it_is():
    html = page(f"<h2>{SUBHEADING}</h2>")
    assert trafilatura_text(html).splitlines() == lines(html)


def test_a_heading_over_a_list_of_links_stays_out_in_any_language():
    box = (
        '<div class="widget"><h3>Lesen Sie auch</h3><ul>'
        '<li><a href="/news/harbour">Harbour wall repairs finish early</a></li>'
        '<li><a href="/news/library">Library hours cut from April</a></li></ul></div>'
    )
    html = page(box)
    assert lines(html) == PARAGRAPHS
