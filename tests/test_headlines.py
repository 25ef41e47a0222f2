"""The visible headline is hashed with the body; the metadata headlines are fields beside it."""

from __future__ import annotations

from archive.extract.article import extract_html
from archive.extract.describe import describe_extraction

BODY = ("The harbour board met on Tuesday evening and agreed, after a long debate, to repair the "
        "old sea wall before the winter storms arrive. Work starts in October.")


def page(h1: str = "Board agrees to mend the sea wall", og: str = "Sea wall: board says yes",
         title: str = "Sea wall to be mended | Harbour Gazette",
         ld: str = "Harbour board backs sea wall repair", logo: bool = True,
         extra_h1: str = "") -> str:
    logo_html = ('<header><h1 class="site-logo"><a href="/">Harbour Gazette</a></h1></header>'
                 if logo else "")
    return f"""<html><head><title>{title}</title>
<meta property="og:title" content="{og}"><meta property="og:site_name" content="Harbour Gazette">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{ld}"}}</script>
</head><body>{logo_html}<article><h1>{h1}</h1><p>{BODY}</p><p>{BODY} Again.</p></article>
{extra_h1}</body></html>"""


def described(html: str) -> tuple[str | None, dict]:
    extraction = extract_html(html, "https://harbour.example/news/sea-wall")
    assert extraction.status == "ok"
    return describe_extraction(extraction, ())


def test_the_visible_headline_is_the_articles_h1_and_metadata_headlines_are_fields():
    digest, fields = described(page())
    assert fields["title"] == "Board agrees to mend the sea wall"
    assert fields["headline_source"] == "h1"
    assert fields["social_title"] == "Sea wall: board says yes"
    assert fields["search_title"] == "Sea wall to be mended | Harbour Gazette"
    assert fields["structured_headline"] == "Harbour board backs sea wall repair"
    assert digest is not None


def test_an_h1_only_edit_changes_the_hash():
    before, _ = described(page())
    after, fields = described(page(h1="Board agrees to mend the harbour wall"))
    assert fields["title"] == "Board agrees to mend the harbour wall"
    assert before != after


def test_metadata_headline_edits_alone_leave_the_hash_alone():
    before, _ = described(page())
    for changed in (page(og="Sea wall saved, board says"),
                    page(title="Sea wall saved | Harbour Gazette"),
                    page(ld="Board saves the sea wall")):
        after, fields = described(changed)
        assert after == before
    assert fields["structured_headline"] == "Board saves the sea wall"


def test_a_logo_h1_or_the_site_name_is_not_the_headline():
    _, fields = described(page(logo=True))
    assert fields["title"] == "Board agrees to mend the sea wall"
    # Without an article h1 at all, the extractor's (metadata) title stands in, as before.
    html = page(logo=True).replace("<h1>Board agrees to mend the sea wall</h1>", "")
    _, fields = described(html)
    assert fields["headline_source"] == "extractor"
    assert fields["title"] != "Harbour Gazette"


def test_of_several_h1s_the_one_sharing_words_with_the_metadata_wins():
    rail = '<div class="story"><h1>Ferry strike called off</h1></div>'
    _, fields = described(page(extra_h1=rail, logo=False))
    assert fields["title"] == "Board agrees to mend the sea wall"


def test_a_rewritten_single_h1_is_still_the_headline_even_when_it_shares_no_words():
    _, fields = described(page(h1="Coastal defences get a lifeline", logo=False))
    assert fields["title"] == "Coastal defences get a lifeline"


def test_hostile_metadata_is_bounded_and_unparseable_json_ld_skipped():
    html = page(og="x" * 5000).replace('{"@type"', '{not json "@type"')
    _, fields = described(html)
    assert "social_title" not in fields and "structured_headline" not in fields


def test_a_headline_h1_in_a_breadcrumb_trail_counts_when_the_page_has_no_other():
    crumb = ('<nav class="breadcrumb"><ol><li><a href="/news">News</a></li>'
             '<li><h1>Board agrees to mend the sea wall</h1></li></ol></nav>')
    html = page(logo=True).replace("<h1>Board agrees to mend the sea wall</h1>", "")
    html = html.replace("<article>", crumb + "<article>")
    _, fields = described(html)
    assert (fields["title"], fields["headline_source"]) == \
        ("Board agrees to mend the sea wall", "h1")
    edited, _ = described(html.replace("mend the sea wall</h1>", "mend the harbour wall</h1>"))
    assert edited != described(html)[0]
    # A navigation h1 sharing no word with the metadata titles is a section's name.
    section = html.replace("Board agrees to mend the sea wall</h1>", "Local news</h1>")
    _, fields = described(section)
    assert fields["headline_source"] == "extractor"
