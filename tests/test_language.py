"""A page's language: declared by its markup or its server, else detected; recorded in the
pageinfo record (and through it in the index: test_index_upgrade.py, test_index_contract.py)."""

from __future__ import annotations

import pytest

from archive.extract.article import extract_page
from archive.extract.describe import extract_and_describe
from archive.extract.language import declared_in_html, detect_language, page_language

BODY = ("<p>The regional ministry said on Tuesday that the count of people hurt in the floods "
        "had been revised after hospitals in three districts sent their registers in full.</p>"
        "<p>Officials said the figure would be checked again at the end of the week, once "
        "the last of the field teams had returned from the villages upstream.</p>")


def page(head: str = "", html_attrs: str = "", body: str = BODY) -> bytes:
    return (f"<!DOCTYPE html><html{html_attrs}><head><meta charset='utf-8'>{head}"
            f"<title>Flood count revised</title></head><body><article><h1>Flood count revised"
            f"</h1>{body}</article></body></html>").encode()


@pytest.mark.parametrize("html_attrs, head, expected, source", [
    (' lang="az-Latn-AZ"', "", ("az", "az-Latn-AZ"), "html-lang"),
    (' xml:lang="ru"', "", ("ru", "ru"), "html-lang"),
    ("", '<meta http-equiv="Content-Language" content="tr">', ("tr", "tr"), "meta"),
    ("", '<meta property="og:locale" content="hy_AM">', ("hy", "hy_AM"), "og-locale"),
])
def test_the_markup_declares_the_language(html_attrs, head, expected, source):
    found = declared_in_html(page(head, html_attrs))
    assert (found.language, found.tag, found.source) == (*expected, source)


def test_placeholders_and_junk_are_no_declaration():
    for attrs in (' lang=""', ' lang="und"', ' lang="<script>"', ' lang="12"'):
        assert declared_in_html(page(html_attrs=attrs)).language is None


def test_the_header_counts_when_the_markup_says_nothing_and_detection_comes_last():
    assert page_language(page(html_attrs=' lang="de"'), "", "fr").language == "de"
    header = page_language(page(), "", "fr-FR, en")
    assert (header.language, header.source) == ("fr", "content-language")
    detected = page_language(page(), "Nazirlik bildirib ki, yaralananların sayı 2.783 nəfərə "
                                     "çatıb və evlərin əksəriyyəti su altında qalıb.")
    assert (detected.language, detected.source) == ("az", "detected")
    assert detected.confidence is not None and detected.confidence >= 0.8


def test_detection_abstains_on_too_little_text():
    assert detect_language("12 34 56").language is None
    assert detect_language("Tərtər").language is None


def test_the_pageinfo_fields_carry_the_language():
    described = extract_and_describe(page(html_attrs=' lang="az"'), "http://a.example/x",
                                     "text/html", ())
    assert described.fields["language"] == "az"
    assert described.fields["language_source"] == "html-lang"
    detected = extract_and_describe(page(), "http://a.example/x", "text/html", (),
                                    content_language=None)
    assert detected.fields["language"] == "en"
    assert detected.fields["language_source"] == "detected"
    not_article = extract_and_describe(b"%PDF-1.4", "http://a.example/x.pdf",
                                       "application/pdf", ())
    assert "language" not in not_article.fields
    assert extract_page(page(), "http://a.example/x").status == "ok"
