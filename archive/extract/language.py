"""The language a page is written in: what it declares, else what its text reads as.

Figures are read differently in each language (`2.783` is 2783 in Azerbaijani and German, 2.783
in English), so the diff needs each version's language. In order of trust:

1. the page's own markup: `<html lang>` (or `xml:lang`), `<meta http-equiv="Content-Language">`,
   `<meta name="language">` / `dc.language`, `og:locale`;
2. the HTTP `Content-Language` header (servers often send a site-wide default, so it ranks below
   the page's own word);
3. detection on the extracted headline and body with py3langid, the detector trafilatura itself
   uses (trafilatura's metadata holds a language only when it is asked to filter by one, and then
   it is this same detector's answer), accepted only when confident.

The answer is a primary language subtag in lower case (`az`, `ru`, `en`): that is what selects
CLDR's number and date conventions. A declared region or script is kept apart (`tag`) for
the record. Nothing here raises on hostile input: an unreadable declaration is no declaration.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import lxml.html
from lxml import etree

logger = logging.getLogger(__name__)

# Markup declarations are read from the document's start only: <html> and <head> come first,
# and reading a whole 5 MiB page a second time for one attribute would be waste.
HEAD_BYTES = 65_536
# Detection reads this much text at most (enough to be sure, cheap on long pages) and needs at
# least this much (a caption-length text is guessed at, not known).
DETECT_MAX_CHARS = 5_000
DETECT_MIN_CHARS = 40
DETECT_MIN_CONFIDENCE = 0.8

_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z0-9]{1,8}))*$")
_BODY_START = re.compile(rb"<body[\s>]", re.IGNORECASE)
_META_XPATH = (
    "//meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu')='content-language']/@content"
    " | //meta[translate(@name, 'LANGUEDC.', 'languedc.')='language']/@content"
    " | //meta[translate(@name, 'LANGUEDC.', 'languedc.')='dc.language']/@content"
)
_OG_LOCALE_XPATH = "//meta[@property='og:locale']/@content"
# Placeholders some CMSs write instead of a language.
_NOT_LANGUAGES = {"und", "mul", "zxx", "xx", "mis"}


@dataclass(frozen=True)
class PageLanguage:
    """A page's language: the primary subtag, the tag as found, and where it came from."""

    language: str | None   # "az"; None when nothing was declared and detection was unsure
    tag: str | None        # "az-Latn-AZ" as declared, or the detected code
    source: str            # html-lang | meta | og-locale | content-language | detected | none
    confidence: float | None = None  # detection's probability, for detected languages

    def fields(self) -> dict[str, Any]:
        """The pageinfo record's keys for it (nothing when unknown)."""
        if self.language is None:
            return {}
        data: dict[str, Any] = {"language": self.language, "language_tag": self.tag,
                      "language_source": self.source}
        if self.confidence is not None:
            data["language_confidence"] = round(self.confidence, 3)
        return data


UNKNOWN = PageLanguage(None, None, "none")


def primary_language(tag: object) -> str | None:
    """The primary subtag of a BCP 47 tag (or a POSIX locale), lower case; None if not one.

    >>> primary_language("az-Latn-AZ"), primary_language("ru_RU"), primary_language(" EN ")
    ('az', 'ru', 'en')
    >>> primary_language("en-US, fr"), primary_language("und"), primary_language("<script>")
    ('en', None, None)
    """
    if not isinstance(tag, str):
        return None
    first = tag.split(",", 1)[0].strip()
    match = _TAG.match(first)
    if match is None:
        return None
    code = match.group(1).lower()
    return None if code in _NOT_LANGUAGES else code


def declared_language(tree: Any) -> PageLanguage:
    """What the markup of a parsed page (an lxml tree) says its language is."""
    try:
        root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
        for attribute in ("lang", "xml:lang", "{http://www.w3.org/XML/1998/namespace}lang"):
            value = root.get(attribute) if root is not None else None
            if value and primary_language(value):
                return PageLanguage(primary_language(value), value.strip(), "html-lang")
        for xpath, source in ((_META_XPATH, "meta"), (_OG_LOCALE_XPATH, "og-locale")):
            for value in tree.xpath(xpath):
                if primary_language(str(value)):
                    return PageLanguage(primary_language(str(value)), str(value).strip()[:35],
                                        source)
    except (ValueError, etree.LxmlError):  # hostile markup: no declaration
        logger.debug("language declaration unreadable", exc_info=True)
    return UNKNOWN


def head_of(body: bytes) -> bytes:
    """The start of an HTML body up to `<body>` (at most HEAD_BYTES): where declarations are."""
    start = body[:HEAD_BYTES]
    match = _BODY_START.search(start)
    return start[:match.end()] if match else start


def declared_in_html(body: bytes) -> PageLanguage:
    """The declared language of raw HTML bytes, read from its head only."""
    head = head_of(body)
    if not head.strip():
        return UNKNOWN
    try:
        tree = lxml.html.document_fromstring(head)
    except (ValueError, etree.LxmlError):
        return UNKNOWN
    return declared_language(tree)


def detect_language(text: str) -> PageLanguage:
    """The language a text reads as, when py3langid is confident; UNKNOWN otherwise."""
    sample = text[:DETECT_MAX_CHARS]
    if len(sample.strip()) < DETECT_MIN_CHARS:
        return UNKNOWN
    code, confidence = _identifier().classify(sample)
    if code == "und" or confidence < DETECT_MIN_CONFIDENCE:
        return UNKNOWN
    return PageLanguage(code, code, "detected", confidence)


def page_language(body: bytes | None, text: str,
                  content_language: str | None = None) -> PageLanguage:
    """A page's language: its markup's declaration, else the header's, else detection on the
    extracted text (see the module docstring for why in this order)."""
    if body:
        declared = declared_in_html(body)
        if declared.language is not None:
            return declared
    header = primary_language(content_language)
    if header is not None and content_language is not None:
        return PageLanguage(header, content_language.strip()[:35], "content-language")
    return detect_language(text)


@lru_cache(maxsize=1)
def _identifier() -> Any:  # py3langid's LanguageIdentifier: the library has no annotations
    """py3langid's identifier, loaded once per process (about a second: only pages that
    declare no language ever need it)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True,
                                              min_confidence=DETECT_MIN_CONFIDENCE)
