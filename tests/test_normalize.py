"""Text normalisation and the text hash: typography and spacing never make a version."""

import doctest
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import archive.extract.normalize
from archive.extract.normalize import (
    NORMALIZATION_VERSION,
    compile_ignore,
    normalize_text,
    text_hash,
)

BODY = "The dam held.\nEngineers will return in July."


def test_doctests():
    results = doctest.testmod(archive.extract.normalize)
    assert results.failed == 0 and results.attempted > 0


def test_normalization_version_is_pinned():
    # Changing normalize_text's output without bumping this would compare unlike hashes.
    assert NORMALIZATION_VERSION == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u201cQuoted\u201d and \u2018single\u2019", "\"Quoted\" and 'single'"),
        ("\u201eGerman\u201c and \u00abFrench\u00bb", '"German" and "French"'),
        ("6\u2032 2\u2033", "6' 2\""),
        ("2023\u20132024 \u2014 a\u2212b \u2010 x\u2011y", "2023-2024 - a-b - x-y"),
        ("1.8\u00a0m\u202fand\u2009thin\u3000wide", "1.8 m and thin wide"),
        ("co\u00adop\u200ber\u200cat\u200did\u2060on\ufeff", "cooperatidon"),
        ("Cafe\u0301", "Caf\u00e9"),  # NFC composes the accent
        ("  one \t two  \r\n\r\n\n  three \u2029four  ", "one two\nthree\nfour"),
        ("", ""),
    ],
)
def test_folds_typography_and_spacing(raw, expected):
    assert normalize_text(raw) == expected


def test_ignore_patterns_apply_after_folding_and_collapse_the_gap():
    ignore = compile_ignore([r"Updated \d+ (minutes|hours) ago", r"csrf=\w+"])
    raw = "Dam to stay shut.\u00a0Updated\u00a05  minutes ago \nBody text csrf=abc123 ends."
    assert normalize_text(raw, ignore) == "Dam to stay shut.\nBody text ends."


def test_ignored_line_disappears_entirely():
    ignore = compile_ignore([r"^Updated .*$"])
    assert normalize_text("First\nUpdated 2 hours ago\nLast", ignore) == "First\nLast"


def test_compile_ignore_names_the_bad_pattern():
    with pytest.raises(ValueError, match=r"invalid ignore pattern '\[oops'"):
        compile_ignore([r"fine \d+", "[oops"])


def test_compile_ignore_refuses_a_bare_string():
    with pytest.raises(TypeError, match="list of patterns"):
        compile_ignore(r"Updated \d+ minutes ago")


def test_compile_ignore_returns_compiled_patterns():
    patterns = compile_ignore([r"a+", r"(?i)b"])
    assert [p.pattern for p in patterns] == ["a+", "(?i)b"]
    assert all(isinstance(p, re.Pattern) for p in patterns)


def test_text_hash_format():
    digest = text_hash("Headline", BODY)
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest)


def test_text_hash_ignores_typography_and_whitespace():
    curly = text_hash(
        "Dam\u2019s fate", "\u201cIt held,\u201d she said.\u00a0\n\n Engineers  return."
    )
    straight = text_hash("Dam's fate", '"It held," she said.\nEngineers return.')
    assert curly == straight


def test_one_word_edit_changes_the_hash():
    assert text_hash("Headline", BODY) != text_hash("Headline", BODY.replace("July", "June"))


def test_headline_edit_changes_the_hash():
    assert text_hash("Dam holds", BODY) != text_hash("Dam fails", BODY)


def test_paragraph_split_changes_the_hash():
    assert text_hash("H", "One two.") != text_hash("H", "One\ntwo.")


def test_missing_headline_hashes_as_empty():
    assert text_hash(None, BODY) == text_hash("", BODY)
    assert text_hash(None, BODY) != text_hash("Headline", BODY)


def test_headline_and_body_cannot_trade_text():
    # Moving the first paragraph into the headline is an edit, not the same text.
    assert text_hash("A", "B\nC") != text_hash("A B", "C")
    assert text_hash("A\nB", "C") == text_hash("A B", "C")  # a headline is one line


def test_ignore_patterns_apply_to_headline_and_body():
    ignore = compile_ignore([r" \(updated\)"])
    assert text_hash("Dam (updated)", "Body (updated)", ignore) == text_hash("Dam", "Body")


# Text with the characters normalisation cares about mixed in, so the properties are exercised.
_TRICKY = st.sampled_from(
    list("\u00a0\u202f\u2009\u00ad\u200b\u2018\u2019\u201c\u201d\u2013\u2014 \t\n\r\u2029'\"-")
)
_TEXT = st.lists(st.one_of(st.text(max_size=8), _TRICKY), max_size=40).map("".join)


@given(_TEXT)
def test_normalize_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(
    _TEXT,
    st.lists(st.sampled_from([" ", "  ", "\t", "\u00a0", " \u2009 "]), min_size=1, max_size=5),
)
def test_extra_horizontal_whitespace_does_not_matter(text, spaces):
    words = text.split(" ")
    padded = "".join(word + spaces[i % len(spaces)] for i, word in enumerate(words))
    assert normalize_text(padded) == normalize_text(text)


@given(_TEXT)
def test_output_has_no_edge_or_double_whitespace(text):
    result = normalize_text(text)
    assert result == result.strip()
    assert "  " not in result and "\n\n" not in result
    assert not set(result) & set("\u00a0\u202f\u2009\u00ad\u200b\t\r\u2029")


@given(_TEXT)
def test_folding_nbsp_and_curly_quotes_is_invisible_to_the_hash(text):
    plain = (
        text.replace("\u00a0", " ")
        .replace("\u2019", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
    )
    assert normalize_text(text) == normalize_text(plain)
    assert text_hash("T", text) == text_hash("T", plain)
