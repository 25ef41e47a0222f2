"""Charset decisions: BOM > Content-Type header > in-document declaration > sniffing > UTF-8."""

import doctest

import pytest
from scrapy.http import HtmlResponse

import archive.extract.decode
from archive.extract.decode import Decoded, decode_html

# Fictional text in the scripts the legacy encodings exist for.
RUSSIAN = (
    "Водохранилище Миллбрук останется закрытым всё лето: инженеры нашли две трещины в водосливе."
)
FRENCH = "« Le barrage tient », dit l’ingénieure — réouverture à l’été, coût estimé 12 000 €."


def page(text: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>T</title></head><body><p>{text}</p></body></html>"
    )


def test_doctests():
    results = doctest.testmod(archive.extract.decode)
    assert results.failed == 0 and results.attempted > 0


def test_windows_1251_charset_only_in_header():
    decoded = decode_html(page(RUSSIAN).encode("cp1251"), "text/html; charset=windows-1251")
    assert (decoded.encoding, decoded.source) == ("cp1251", "header")
    assert RUSSIAN in decoded.text


def test_windows_1251_charset_only_in_meta():
    body = page(RUSSIAN, '<meta charset="windows-1251">').encode("cp1251")
    decoded = decode_html(body, "text/html")
    assert (decoded.encoding, decoded.source) == ("cp1251", "meta")
    assert RUSSIAN in decoded.text


def test_windows_1251_charset_only_in_http_equiv():
    head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    decoded = decode_html(page(RUSSIAN, head).encode("cp1251"))
    assert (decoded.encoding, decoded.source) == ("cp1251", "meta")
    assert RUSSIAN in decoded.text


def test_iso_8859_1_in_header_decodes_as_windows_1252():
    # Curly quotes and the euro sign only exist in windows-1252 (bytes 0x80-0x9F); the HTML
    # standard decodes an ISO-8859-1 label as windows-1252, so they survive.
    decoded = decode_html(page(FRENCH).encode("cp1252"), "text/html; charset=ISO-8859-1")
    assert (decoded.encoding, decoded.source) == ("cp1252", "header")
    assert FRENCH in decoded.text


def test_iso_8859_1_only_in_meta_decodes_as_windows_1252():
    body = page(FRENCH, '<meta charset="iso-8859-1">').encode("cp1252")
    decoded = decode_html(body)
    assert (decoded.encoding, decoded.source) == ("cp1252", "meta")
    assert FRENCH in decoded.text


def test_xml_declaration_counts_as_in_document():
    body = ('<?xml version="1.0" encoding="windows-1251"?>' + page(RUSSIAN)).encode("cp1251")
    decoded = decode_html(body)
    assert (decoded.encoding, decoded.source) == ("cp1251", "meta")
    assert RUSSIAN in decoded.text


def test_header_wins_over_conflicting_meta():
    body = page(RUSSIAN, '<meta charset="utf-8">').encode("cp1251")
    decoded = decode_html(body, "text/html; charset=windows-1251")
    assert (decoded.encoding, decoded.source) == ("cp1251", "header")
    assert RUSSIAN in decoded.text


def test_utf8_bom_wins_over_header_and_is_stripped():
    body = b"\xef\xbb\xbf" + page(RUSSIAN, '<meta charset="windows-1251">').encode("utf-8")
    decoded = decode_html(body, "text/html; charset=windows-1251")
    assert (decoded.encoding, decoded.source) == ("utf-8", "bom")
    assert decoded.text.startswith("<!DOCTYPE html>")
    assert RUSSIAN in decoded.text


@pytest.mark.parametrize(
    ("codec", "bom", "expected"),
    [
        ("utf-16-le", b"\xff\xfe", "utf-16-le"),
        ("utf-16-be", b"\xfe\xff", "utf-16-be"),
    ],
)
def test_utf16_bom_only(codec, bom, expected):
    decoded = decode_html(bom + page(FRENCH).encode(codec), "text/html")
    assert (decoded.encoding, decoded.source) == (expected, "bom")
    assert decoded.text.startswith("<!DOCTYPE html>")
    assert FRENCH in decoded.text


def test_header_utf16_without_bom_is_little_endian_everywhere():
    decoded = decode_html(page(FRENCH).encode("utf-16-le"), "text/html; charset=UTF-16")
    assert (decoded.encoding, decoded.source) == ("utf-16-le", "header")
    assert FRENCH in decoded.text


def test_declared_encoding_skips_sniffing(monkeypatch):
    def must_not_sniff(*args, **kwargs):
        raise AssertionError("sniffed a declared page")

    monkeypatch.setattr(archive.extract.decode, "from_bytes", must_not_sniff)
    assert (
        decode_html(page(RUSSIAN).encode("cp1251"), "text/html; charset=cp1251").source == "header"
    )


def test_meta_claiming_utf16_without_bom_means_utf8():
    # The declaration was readable as ASCII, so the page cannot be UTF-16 (HTML standard).
    body = page(FRENCH, '<meta charset="utf-16">').encode("utf-8")
    decoded = decode_html(body)
    assert (decoded.encoding, decoded.source) == ("utf-8", "meta")
    assert FRENCH in decoded.text


def test_unknown_header_label_falls_through_to_meta():
    body = page(RUSSIAN, '<meta charset="koi8-r">').encode("koi8-r")
    decoded = decode_html(body, "text/html; charset=x-no-such-charset")
    assert (decoded.encoding, decoded.source) == ("koi8-r", "meta")
    assert RUSSIAN in decoded.text


def test_utf7_label_is_refused():
    # UTF-7 spells "<" as "+ADw-": honouring it would turn inert text into markup.
    body = page("+ADw-script+AD4-alert(1)+ADw-/script+AD4-").encode("ascii")
    decoded = decode_html(body, "text/html; charset=utf-7")
    assert decoded.source != "header"
    assert "<script>" not in decoded.text


def test_undeclared_utf8_is_sniffed_as_utf8():
    decoded = decode_html(page(FRENCH + " " + RUSSIAN).encode("utf-8"))
    assert (decoded.encoding, decoded.source) == ("utf-8", "sniff")
    assert RUSSIAN in decoded.text


def test_undeclared_windows_1251_is_sniffed():
    body = page(" ".join([RUSSIAN] * 6)).encode("cp1251")
    decoded = decode_html(body)
    assert (decoded.encoding, decoded.source) == ("cp1251", "sniff")
    assert RUSSIAN in decoded.text


def test_empty_body_uses_the_default():
    assert decode_html(b"") == Decoded("", "utf-8", "default")


def test_undecodable_bytes_become_replacement_characters():
    decoded = decode_html(b"<p>caf\xc3 ok</p>", "text/html; charset=utf-8")
    assert decoded.text == "<p>caf\ufffd ok</p>"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (page(RUSSIAN).encode("cp1251"), "text/html; charset=windows-1251"),
        (page(RUSSIAN, '<meta charset="windows-1251">').encode("cp1251"), "text/html"),
        (page(FRENCH, '<meta charset="iso-8859-1">').encode("cp1252"), "text/html"),
        (page(RUSSIAN, '<meta charset="utf-8">').encode("cp1251"), "text/html; charset=cp1251"),
        (b"\xef\xbb\xbf" + page(FRENCH).encode("utf-8"), "text/html; charset=windows-1251"),
        (b"\xff\xfe" + page(FRENCH).encode("utf-16-le"), "text/html"),
        (page(FRENCH).encode("utf-8"), "text/html"),
    ],
)
def test_agrees_with_scrapy_text_response(body, content_type):
    response = HtmlResponse(
        "https://example.org/", body=body, headers={"Content-Type": content_type}
    )
    assert decode_html(body, content_type).text == response.text
