"""Extract an article's headline, metadata, body text and cited links from an HTML page.

The page is parsed once and its article region decided once (``archive.extract.region``);
trafilatura is handed that parse and finds the body text, the cited links and the standfirst
are read from the region, and ``archive.extract.wholebody`` puts back what trafilatura lost
inside the body. A page with no usable body is ``failed`` and a non-HTML response
``not-article``, each with a reason: an extraction failure must never read as "the article was
deleted", so there is no empty ``ok``. Hostile input (binary junk, absurd nesting, pages over
the size cap) fails the same way instead of raising.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document

from archive.extract.articleparts import keep_sentence_dates, standfirst, with_standfirst
from archive.extract.decode import decode_html
from archive.extract.headlines import Headlines, page_headlines
from archive.extract.links import cited_links, parse_html
from archive.extract.normalize import normalize_text
from archive.extract.region import Region, article_region
from archive.extract.stamps import without_relative_stamps
from archive.extract.wholebody import whole_body

# Bigger pages are failed with a reason, never silently truncated: a truncated body would hash
# as an edit. Real articles are far below the cap; what exceeds it is a dump, a feed or an attack.
from archive.limits import MAX_EXTRACT_BYTES

logger = logging.getLogger(__name__)

EXTRACTOR = "trafilatura"
EXTRACTOR_VERSION: str = trafilatura.__version__

# Below this a "body" is a consent wall, an error message or a "please enable JavaScript" note,
# not an article. Characters of scripts written without spaces (CJK, Thai) count one word each.
MIN_BODY_WORDS = 25
_NO_SPACE_SCRIPTS = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"  # Thai, kana, CJK
_WORD = re.compile(f"[{_NO_SPACE_SCRIPTS}]|[^\\W{_NO_SPACE_SCRIPTS}]+")

# Chosen by measurement on trafilatura's own evaluation corpus: see bench/EXTRACTION.md.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "fast": False,
    "favor_precision": True,
    "include_tables": True,
}
# Fixed by what an archive needs, not by measurement: metadata for the WARC record; no reader
# comments (they churn); no cross-document deduplication (its cache would make the second
# capture of a page extract differently from the first); plain text, no markup.
TRAFILATURA_FIXED_OPTIONS: dict[str, Any] = {
    "with_metadata": True,
    "include_comments": False,
    "deduplicate": False,
    "include_formatting": False,
    "include_links": False,
    "include_images": False,
}

_HTML_TYPES = {"text/html", "application/xhtml+xml"}
# What XML 1.0 forbids in text, as trafilatura removes it (tab, newline and return stay).
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Extraction:
    """What was extracted from one page, and whether it can stand for a version of the article."""

    status: str  # "ok" | "failed" | "not-article"
    title: str | None  # the visible headline (archive.extract.headlines), hashed with the body
    byline: str | None
    published: str | None  # YYYY-MM-DD, as trafilatura (htmldate) gives it
    modified: str | None  # YYYY-MM-DD, from the page's dateModified markup if it declares one
    text: str  # body without the headline; "" unless status == "ok"
    links: tuple[str, ...]  # cited links; also filled for failed pages whose HTML parses
    encoding: str  # codec used; "unicode" for text the caller decoded, "" if nothing was decoded
    # archive.extract.decode's source, or "caller", or "none" (nothing decoded)
    encoding_source: str
    reason: str | None  # why failed or not-article
    # The metadata headlines beside the visible one (not hashed); None unless status == "ok".
    headlines: Headlines | None = None

    def to_json(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict, with the extractor's name and version."""
        fields = asdict(self)
        fields.pop("headlines")
        return {
            **fields,
            **(self.headlines.fields() if self.headlines is not None else {}),
            "links": list(self.links),
            "extractor": EXTRACTOR,
            "extractor_version": EXTRACTOR_VERSION,
        }


def extract_page(
    body: bytes, url: str | None = None, content_type: str | None = None
) -> Extraction:
    """Decode an HTTP body with ``archive.extract.decode`` and extract it.

    Args:
        body: the response body, content-encoding already removed.
        url: the page URL, used to resolve relative links and for metadata.
        content_type: the ``Content-Type`` header; non-HTML types are ``not-article``.
    """
    return extract_parsed(body, url, content_type)[0]


def extract_parsed(
    body: bytes, url: str | None = None, content_type: str | None = None
) -> tuple[Extraction, HtmlElement | None]:
    """``extract_page``, and the page's parse (None when there was none), for the other
    questions asked of the same page (its requisites) so that it is parsed once.

    The parse has lost its control characters and the ``<time>`` wrappers of dates inside
    sentences; nothing else of it has changed.
    """
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type and media_type not in _HTML_TYPES:
        reason = f"content type {media_type} is not HTML"
        return _unsuccessful("not-article", reason, "", "none"), None
    if len(body) > MAX_EXTRACT_BYTES:
        return _unsuccessful("failed", _too_big(len(body)), "", "none"), None
    decoded = decode_html(body, content_type)
    return _extract(decoded.text, url, decoded.encoding, decoded.source)


def extract_html(html: str, url: str | None = None) -> Extraction:
    """Extract already-decoded HTML; the encoding is reported as the caller's ("caller")."""
    return _extract(html, url, "unicode", "caller")[0]


def _extract(
    html: str, url: str | None, encoding: str, encoding_source: str
) -> tuple[Extraction, HtmlElement | None]:
    # A character takes at most 4 bytes in UTF-8: only encode when the size could pass the cap.
    size = len(html.encode("utf-8", "replace")) if len(html) * 4 > MAX_EXTRACT_BYTES else 0
    if size > MAX_EXTRACT_BYTES:
        return _unsuccessful("failed", _too_big(size), encoding, encoding_source), None
    # Control characters cannot go into the XML trees trafilatura builds (it would find no
    # text); it strips them from text it is given, so the tree it is given goes without them too.
    tree = parse_html(_CONTROL_CHARACTERS.sub("", html))
    reason: str | None
    if tree is None:
        reason = "no HTML document to parse"
        return _unsuccessful("failed", reason, encoding, encoding_source), None
    if _not_a_document(html, tree):
        reason = "trafilatura found no main text"
        return _unsuccessful("failed", reason, encoding, encoding_source), tree
    # The page's one parse and one region: links, standfirst and trafilatura all read them.
    region = _region(tree, url)
    links = _cited_links(tree, url, region)
    modified = _declared_modified(tree)
    lede = _standfirst(region, url)
    # trafilatura gets the parsed page (it works on its own copy), minus the <time> wrappers.
    keep_sentence_dates(tree)
    try:
        document = trafilatura.bare_extraction(
            tree, url=url, **TRAFILATURA_FIXED_OPTIONS, **TRAFILATURA_OPTIONS
        )
    except Exception as err:  # trafilatura and lxml raise many types on hostile input
        logger.warning("trafilatura failed on %s", url or "a page", exc_info=True)
        reason = f"trafilatura raised {type(err).__name__}: {err}"
        return _unsuccessful("failed", reason, encoding, encoding_source, links), tree
    # Never a dict: as_dict is left False (the options are a dict, so mypy cannot tell).
    if not isinstance(document, Document):
        reason = "trafilatura found no main text"
        return _unsuccessful("failed", reason, encoding, encoding_source, links), tree
    headlines = _headlines(tree, document.title, url)
    body = _without_headline(document.text or "", headlines.visible)
    words = word_count(body)  # trafilatura's body must look like an article; then the rest joins
    # A line saying only "Updated 3 minutes ago" churns on every capture: never hashed.
    text = with_standfirst(without_relative_stamps(_whole_body(body, region, url)), lede)
    status, reason = (
        ("ok", None)
        if words >= MIN_BODY_WORDS
        else ("failed", f"body too short to be an article ({words} words)")
    )
    extraction = Extraction(
        status=status,
        title=headlines.visible,
        byline=document.author or None,
        published=document.date or None,
        modified=modified,
        text=text if status == "ok" else "",
        links=links,
        encoding=encoding,
        encoding_source=encoding_source,
        reason=reason,
        headlines=headlines if status == "ok" else None,
    )
    return extraction, tree


def _not_a_document(html: str, tree: HtmlElement) -> bool:
    """Binary junk or a lone fragment, by trafilatura's own test for text it is given (no
    ``html`` in the first 50 characters and fewer than two blocks), which a parsed tree skips.

    >>> _not_a_document("PNG junk", parse_html("PNG junk"))
    True
    """
    if "html" in html[:50].lower():
        return False
    body = tree.find("body")
    return len(tree) < 2 and (body is None or len(body) < 2)


def word_count(text: str) -> int:
    """Words in ``text``, counting each CJK or Thai character as a word.

    >>> word_count("The dam held.  Mostly.")
    4
    >>> word_count("水库今年夏天关闭")
    8
    """
    return len(_WORD.findall(text))


def failed_extraction(reason: str) -> Extraction:
    """A failure decided before extraction ran (e.g. a truncated response): never a version."""
    return _unsuccessful("failed", reason, "", "none")


def _unsuccessful(
    status: str, reason: str, encoding: str, source: str, links: tuple[str, ...] = ()
) -> Extraction:
    return Extraction(status, None, None, None, None, "", links, encoding, source, reason)


def _too_big(size: int) -> str:
    return f"page of {size} bytes is over the {MAX_EXTRACT_BYTES}-byte extraction cap"


def _region(tree: HtmlElement, url: str | None) -> Region | None:
    """The article's region, or None if finding it trips over hostile markup (logged)."""
    try:
        return article_region(tree)
    except Exception:  # the region serves by-products; losing it must not lose the text
        logger.warning("article region detection failed on %s", url or "a page", exc_info=True)
        return None


def _cited_links(tree: HtmlElement, url: str | None, region: Region | None) -> tuple[str, ...]:
    """Cited links, or none if the link finder trips over hostile markup (logged)."""
    if region is None:
        return ()
    try:
        return tuple(cited_links(tree, url or "", region))
    except Exception:  # links are a by-product; losing them must not lose the text
        logger.warning("link extraction failed on %s", url or "a page", exc_info=True)
        return ()


def _standfirst(region: Region | None, url: str | None) -> str | None:
    """The standfirst, or None if finding it trips over hostile markup (logged)."""
    if region is None:
        return None
    try:
        return standfirst(region)
    except Exception:  # a by-product, like the links: losing it must not lose the text
        logger.warning("standfirst detection failed on %s", url or "a page", exc_info=True)
        return None


def _headlines(tree: HtmlElement, title: str | None, url: str | None) -> Headlines:
    """The page's headlines; the extractor's title alone if finding them trips (logged)."""
    try:
        return page_headlines(tree, title)
    except Exception:  # hostile markup must not lose the text; the title is still hashed
        logger.warning("headline detection failed on %s", url or "a page", exc_info=True)
        return Headlines(title or None, "extractor", None, None, None)


def _whole_body(text: str, region: Region | None, url: str | None) -> str:
    """The body with what trafilatura lost inside it put back (archive.extract.wholebody);
    trafilatura's body as it is if that trips over hostile markup (logged)."""
    if region is None:
        return text
    try:
        return whole_body(text, region)
    except Exception:  # the recovered blocks add to the text; losing them must not lose it
        logger.warning("body recovery failed on %s", url or "a page", exc_info=True)
        return text


def _without_headline(text: str, title: str | None) -> str:
    """The body without a leading copy of the headline, which trafilatura sometimes keeps.

    >>> _without_headline("Dam opens\\nThe dam opened.", "Dam  opens")
    'The dam opened.'
    """
    first, _, rest = text.strip().partition("\n")
    if title and normalize_text(first).casefold() == normalize_text(title).casefold():
        return rest.strip()
    return text.strip()


_MODIFIED_XPATH = (
    "//meta[@property='article:modified_time' or @property='og:updated_time'"
    " or @itemprop='dateModified' or @name='last-modified']/@content"
    " | //*[@itemprop='dateModified']/@datetime"
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _declared_modified(tree: HtmlElement) -> str | None:
    """The date the page's markup says it was last modified (meta tags, microdata, JSON-LD)."""
    values = [str(value) for value in tree.xpath(_MODIFIED_XPATH)]
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        values.extend(_json_ld_values(script, "dateModified"))
    dates = [match.group() for value in values if (match := _ISO_DATE.match(value.strip()))]
    return max(dates, default=None)


def _json_ld_values(script: str, key: str) -> list[str]:
    """Every string value of ``key`` anywhere in a JSON-LD block; none if it does not parse."""
    try:
        data = json.loads(script)
    except ValueError:
        return []
    found, stack = [], [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get(key), str):
                found.append(node[key])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found
