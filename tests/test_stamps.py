"""A line saying only how long ago the page was updated never reaches the text hash."""

from __future__ import annotations

import pytest

from archive.extract.article import extract_html
from archive.extract.describe import describe_extraction
from archive.extract.stamps import is_relative_stamp

PARAGRAPHS = ("<p>The ferry operator said on Monday that fares on the island routes would not "
              "rise this winter, after two increases in a single year.</p>"
              "<p>The freeze holds until April, when the county's contract ends and the routes "
              "are put out to tender again.</p>")


def page(stamp: str, sentence: str = "") -> str:
    return (f"<html><head><title>Fares frozen</title></head><body><article>"
            f"<h1>Ferry fares frozen for winter</h1><p class='meta'>{stamp}</p>{PARAGRAPHS}"
            f"<p>{sentence or 'Commuters welcomed the news.'}</p></article></body></html>")


def digest(html: str) -> str | None:
    extraction = extract_html(html, "https://ferry.example/news/fares")
    assert extraction.status == "ok"
    return describe_extraction(extraction, ())[0]


@pytest.mark.parametrize("first, second", [
    ("Updated 3 minutes ago", "Updated 17 minutes ago"),
    ("vor 5 Minuten", "vor 2 Stunden"),
    ("il y a 3 minutes", "il y a 2 heures"),
    ("обновлено 5 минут назад", "2 часа назад"),
])
def test_a_ticking_update_stamp_makes_no_version(first, second):
    assert digest(page(first)) == digest(page(second))


def test_the_same_words_inside_a_sentence_are_text():
    assert is_relative_stamp("Updated 3 minutes ago")
    assert not is_relative_stamp("The ferry left 3 minutes ago, the harbour master said.")
    before = digest(page("", "The ferry left 3 minutes ago, the harbour master said."))
    after = digest(page("", "The ferry left 9 minutes ago, the harbour master said."))
    assert before != after
