"""Requisite discovery (pure): what a page and a stylesheet name, the srcset choices, and how
long a capture stays fresh. The crawl tests show the same on the wire."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from requisitesite import ARTICLE

from archive.extract.cssrefs import css_references
from archive.extract.requisites import html_requisites, stylesheet_references
from archive.extract.srcset import chosen_candidates, parse_srcset
from archive.schedule.freshness import fresh_until, lifetime
from crawler.requisites.budget import Caps, PageBudget

A, B = "http://a.example", "http://cdn.example"
PAGE = f"{A}/r/article-1"


def _found() -> dict[str, str]:
    html = ARTICLE.format(a=A, b=B, title="T", standfirst="S", body="B", unique="u.png")
    return {r.url: r.kind for r in html_requisites(html, PAGE)}


def test_every_kind_of_requisite_in_the_markup_is_found_with_its_kind():
    found = _found()
    assets = f"{A}/r/assets/"
    expected = {
        "site.css": "stylesheet", "icon.png": "icon", "touch.png": "icon", "module.js": "script",
        "app.js": "script", "print.css": "stylesheet", "stripe.png": "image",
        "masthead.png": "image", "hero-640.png": "image", "hero-1280.png": "image",
        "pic-1x.png": "image", "pic-2x.png": "image", "placeholder.png": "image",
        "lazy.png": "image", "lazy2.png": "image", "lazy3.png": "image",
        "noscript.png": "image", "poster.png": "image", "clip.webm": "media",
        "sound.ogg": "media", "go.png": "image", "u.png": "image"}
    for name, kind in expected.items():
        assert found.pop(assets + name) == kind, name  # resolved against <base href>
    assert found.pop(f"{B}/cdn/display.ttf") == "font"  # preload as=font
    assert found.pop(f"{B}/cdn/native-lazy.png") == "image"
    assert set(found) == {"data:image/gif;base64,R0lGODlhAQABAAAAACw=", "javascript:void(0)"}


def test_a_base_href_that_is_not_http_is_ignored_and_noscript_text_is_read_as_markup():
    html = ('<base href="javascript:alert(1)"><noscript>&lt;img src="/n.png"&gt;</noscript>'
            '<img src=" /a b.png#frag ">')
    assert {r.url for r in html_requisites(html, PAGE)} == {f"{A}/n.png", f"{A}/a%20b.png"}


def test_stylesheets_are_read_as_browsers_read_them():
    css = ('/* url(commented.png) */ @import url("a.css") screen; @import \'b.css\';'
           ' @media (min-width: 1px) { .x { background: url(in\\(media\\).png) } }'
           ' @font-face { src: url(f.woff2) format("woff2"), url(f.woff) format("woff") }'
           ' .y { background-image: image-set("i1.png" 1x, "i2.png" 2x); filter: url(#blur) }'
           ' .z { content: "url(not-a-url.png)" }')
    found = [(r.url.rsplit("/", 1)[1], r.kind) for r in css_references(css, f"{A}/css/s.css")]
    assert found == [("a.css", "stylesheet"), ("b.css", "stylesheet"),
                     ("in(media).png", "image"), ("f.woff2", "font"), ("f.woff", "font"),
                     ("i1.png", "image"), ("i2.png", "image")]


def test_a_stylesheet_body_is_decoded_by_its_charset():
    body = '@charset "iso-8859-1"; .a { background: url(café.png) }'.encode("latin-1")
    assert stylesheet_references(body, f"{A}/s.css") == [(f"{A}/café.png", "image")]
    assert stylesheet_references(b"\xff\xfe garbage url(x.png)", f"{A}/s.css", "text/css") \
        == []


def test_srcset_parsing_and_the_candidates_common_screens_choose():
    assert [c.url for c in parse_srcset("a.jpg 1x, b.jpg 1.5x, bad.jpg 2q, c.jpg 2x")] == \
        ["a.jpg", "b.jpg", "c.jpg"]
    # 1x screens take a.jpg, 2x screens c.jpg; nobody's screen is 1.5x or needs 3x.
    assert chosen_candidates("a.jpg 1x, b.jpg 1.5x, c.jpg 2x, d.jpg 3x") == ["a.jpg", "c.jpg"]
    widths = ", ".join(f"w{n}.jpg {n}w" for n in (160, 320, 640, 960, 1280, 1920, 2560, 3840))
    # No sizes: 100vw. A 390 px phone at 2x needs 780 px (640 is within Chromium's geometric
    # mean of 640 and 960), desktops 1280 and 1920, a 1440 px laptop at 2x about 2560.
    assert chosen_candidates(widths) == ["w640.jpg", "w1280.jpg", "w1920.jpg", "w2560.jpg"]


def test_freshness_comes_from_the_headers_within_the_floor_and_ceiling():
    at = datetime(2026, 11, 3, 12, 0, tzinfo=timezone.utc)
    date = "Tue, 03 Nov 2026 12:00:00 GMT"
    assert lifetime({"cache-control": "max-age=60, s-maxage=7200"}) == timedelta(hours=2)
    assert lifetime({"expires": "Tue, 03 Nov 2026 15:00:00 GMT", "date": date}) == \
        timedelta(hours=3)
    assert lifetime({"expires": "0", "date": date}) == timedelta(0)
    assert lifetime({"last-modified": "Tue, 25 Aug 2026 12:00:00 GMT", "date": date}) == \
        timedelta(days=7)
    assert lifetime({}) is None
    assert fresh_until({"cache-control": "max-age=7200"}, at) == at + timedelta(hours=2)
    assert fresh_until({}, at, timedelta(0), timedelta(0)) == at


def test_the_byte_cap_is_kept_strictly_while_downloads_run():
    budget = PageBudget(Caps(count=3, total_bytes=100, resource_bytes=60))
    assert [budget.admit(), budget.admit(), budget.admit(), budget.admit()] == \
        [None, None, None, "count-cap"]
    first, second = budget.reserve(), budget.reserve()
    assert (first, second) == (60, 40) and budget.reserve() == 0
    budget.settle(first, 10)  # the first brought 10 bytes: 50 are free again
    assert budget.reserve() == 50


def test_a_picture_yields_what_browsers_load_from_it_on_common_screens():
    html = ('<picture><source type="image/jxl" srcset="a.jxl"><source type="image/webp" '
            'srcset="a.webp 1x, a2.webp 2x"><img src="a.jpg"></picture>'
            '<picture><source media="(max-width: 600px)" srcset="narrow.webp">'
            '<source media="(orientation: portrait)" srcset="tall.webp">'
            '<img src="wide.jpg" data-src="wide-lazy.jpg"></picture>'
            '<picture><source type="image/webp" data-srcset="lazy.webp"><img src="p.gif">'
            '</picture>')
    found = sorted(r.url.rsplit("/", 1)[1] for r in html_requisites(html, PAGE))
    # No JPEG fallback behind a WebP source; the phone's art-directed crop and, for the
    # rest, the source whose media this reader cannot judge; a lazy source's real picture.
    assert found == ["a.webp", "a2.webp", "lazy.webp", "narrow.webp", "tall.webp"]


def test_the_extraction_lists_the_same_requisites_from_its_own_parse():
    from archive.extract.describe import extract_and_describe
    from archive.extract.requisites import requisites_of_body

    body = ARTICLE.format(a=A, b=B, title="T", standfirst="S", body="B", unique="u.png").encode()
    described = extract_and_describe(body, PAGE, "text/html; charset=utf-8", (), None,
                                     requisites=True)
    assert described.requisites is not None and len(described.requisites) > 10
    assert list(described.requisites) == requisites_of_body(body, PAGE, "text/html")
    # not asked for, not looked for; and no parse of a PDF to look in
    assert extract_and_describe(body, PAGE, "text/html", ()).requisites is None
    assert extract_and_describe(b"%PDF-1.4", PAGE, "application/pdf", (),
                                requisites=True).requisites is None
