"""Decide, deterministically, how the bytes of an HTML page become text.

The order is the one browsers and Scrapy's ``TextResponse`` follow: a byte order mark, then the
charset of the HTTP ``Content-Type`` header, then the document's own declaration (``<meta
charset>``, ``http-equiv`` or an XML declaration), then sniffing, then UTF-8. Every label goes
through ``w3lib.encoding.resolve_encoding``, as Scrapy's does, so a page decoded at crawl time and
the same WARC payload decoded offline give the same text. Text goes to trafilatura as ``str``: its
own byte sniffing has guessed wrong on declared pages before (trafilatura#231, #541).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Callable

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
    to_unicode,
)

DEFAULT_ENCODING = "utf-8"

# charset_normalizer's cost grows with its input; the head of a page says enough about its
# encoding, and an unbounded sniff would let one huge response stall extraction.
SNIFF_MAX_BYTES = 64 * 1024

# A document whose declaration could be read as ASCII cannot be UTF-16 or UTF-32, so the HTML
# standard's prescan turns those labels into UTF-8 (HTML § 13.2.3.2, "get an encoding").
_ASCII_INCOMPATIBLE = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}
_LITTLE_ENDIAN = {"utf-16": "utf-16-le", "utf-32": "utf-32-le"}


@dataclass(frozen=True)
class Decoded:
    """The decoded text of a page and how its encoding was decided."""

    text: str
    encoding: str  # Python codec name, e.g. "cp1251", "utf-8"
    source: str  # "bom" | "header" | "meta" | "sniff" | "default"


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML body the way a browser (and Scrapy) would.

    A label declared as ISO-8859-1 (or latin1, or ascii) decodes as windows-1252: the HTML
    standard's encoding table maps them so, because servers routinely send 0x80-0x9F curly quotes
    and euro signs under those labels. ``resolve_encoding`` does that mapping and we keep it.
    Undecodable bytes become U+FFFD; decoding never fails.

    Args:
        body: the response body, after content-encoding was removed.
        content_type: the HTTP ``Content-Type`` header value, if any.

    Returns:
        The text, the codec used and which step decided it.

    >>> decode_html(b"caf\\xe9", "text/html; charset=ISO-8859-1")
    Decoded(text='café', encoding='cp1252', source='header')
    >>> decode_html(b'<meta charset="windows-1251">\\xcc\\xee\\xf1\\xea\\xe2\\xe0').text[-6:]
    'Москва'
    >>> decode_html(b"\\xef\\xbb\\xbfok", "text/html; charset=cp1251")
    Decoded(text='ok', encoding='utf-8', source='bom')
    """
    encoding: str | None
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        encoding = resolve_encoding(bom_encoding) or bom_encoding
        return Decoded(to_unicode(body[len(bom) :], encoding), encoding, "bom")

    steps: tuple[tuple[str, Callable[[], str | None]], ...] = (
        ("header", lambda: _declared_in_header(content_type)),
        ("meta", lambda: _declared_in_document(body)),
        ("sniff", lambda: _sniff(body)),  # the costly step: only reached when nothing is declared
    )
    for source, find_encoding in steps:
        encoding = find_encoding()
        if encoding is not None:
            return Decoded(to_unicode(body, encoding), encoding, source)
    return Decoded(to_unicode(body, DEFAULT_ENCODING), DEFAULT_ENCODING, "default")


def _declared_in_header(content_type: str | None) -> str | None:
    """The encoding the Content-Type header names, with UTF-16/32 byte order made explicit.

    Python decodes BOM-less "utf-16" in the machine's byte order; the Encoding Standard reads the
    label as little-endian, so we do too, and the same bytes decode alike on every machine.
    """
    encoding = http_content_type_encoding(content_type)
    return _LITTLE_ENDIAN.get(encoding, encoding) if encoding else None


def _declared_in_document(body: bytes) -> str | None:
    """The encoding the document declares in its first bytes, or None."""
    encoding = html_body_declared_encoding(body)
    if encoding in _ASCII_INCOMPATIBLE:
        return DEFAULT_ENCODING
    return encoding


def _sniff(body: bytes) -> str | None:
    """Guess the encoding of an undeclared body, or None when there is nothing to go on.

    Valid UTF-8 is taken as UTF-8 (pure ASCII included): a legacy-encoded text is vanishingly
    unlikely to also be valid UTF-8, and checking the whole body costs one C-speed pass.
    Otherwise charset_normalizer looks at a bounded head of the body.
    """
    if not body:
        return None
    try:
        codecs.decode(body, DEFAULT_ENCODING)
    except UnicodeDecodeError:
        pass
    else:
        return DEFAULT_ENCODING
    best = from_bytes(body[:SNIFF_MAX_BYTES]).best()
    if best is None:
        return None
    return resolve_encoding(best.encoding)
