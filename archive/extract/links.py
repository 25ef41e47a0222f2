"""The links an article cites, read from its region of the page (``archive.extract.region``).

Links are read from the HTML, not from trafilatura's output, which can drop a standfirst that
carries the only link to the source. Furniture inside the region (share bars, inline "Related"
asides, promoted rails) is skipped, and so are links to the site's own home and section fronts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
from lxml import etree
from lxml.html import HtmlElement
from w3lib.url import safe_url_string

from archive.extract.region import Region, article_region


def cited_links(
    html: str | HtmlElement, base_url: str, region: Region | None = None
) -> list[str]:
    """Absolute http(s) URLs the article links to, de-duplicated, in document order.

    Fragments are removed; links to the page itself and ``javascript:``, ``mailto:``, ``tel:``,
    ``data:`` and fragment-only links are dropped. Relative links resolve against the page's
    ``<base href>`` if it has one, else ``base_url``. ``region``, when the caller has decided it
    already, saves deciding it again.
    """
    doc = parse_html(html) if isinstance(html, str) else html
    if doc is None:
        return []
    if region is None:
        region = article_region(doc)
    if region is None:
        return []
    links = absolute_links(region.iter("a"), doc, base_url)
    return [url for url in links if not _is_own_front_page(url, base_url)]


def _is_own_front_page(url: str, page_url: str) -> bool:
    """A link to the site's home or a section front (``/world/``): navigation, not a source.

    >>> _is_own_front_page("https://news.example/world/", "https://news.example/a/b-c-d")
    True
    >>> _is_own_front_page("https://ministry.example/en/", "https://news.example/a/b-c-d")
    False
    """
    parts = urlsplit(url)
    if parts.hostname != urlsplit(page_url).hostname or parts.query:
        return False
    segments = [segment for segment in parts.path.split("/") if segment]
    return not segments or (len(segments) == 1 and parts.path.endswith("/"))


def parse_html(html: str) -> HtmlElement | None:
    """Parse decoded HTML; None when there is no document (empty or unparseable input).

    The text goes to lxml as UTF-8 bytes with the encoding forced, so an XML declaration or a
    ``<meta charset>`` left in already-decoded text cannot make lxml re-decode it.
    """
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def absolute_links(anchors: Iterable[HtmlElement], doc: HtmlElement, base_url: str) -> list[str]:
    """Resolve, filter and de-duplicate the ``href`` of each anchor, keeping document order."""
    base = next(
        (urljoin(base_url, h.strip()) for h in doc.xpath("//base/@href") if h.strip()), base_url
    )
    page = _canonical(base_url)
    links: dict[str, None] = {}
    for anchor in anchors:
        url = _resolve(anchor.get("href"), base)
        if url is not None and url != page:
            links.setdefault(url)
    return list(links)


def _resolve(href: str | None, base: str) -> str | None:
    """An absolute http(s) URL without fragment, or None for anything not worth citing."""
    # As browsers do: strip surrounding whitespace, drop tabs and newlines inside the URL.
    href = re.sub(r"[\t\n\r]", "", (href or "").strip())
    if not href or href.startswith("#"):
        return None
    try:
        url = _canonical(urljoin(base, href))
    except ValueError:  # e.g. a malformed IPv6 host; nobody can follow that link either
        return None
    # Drops javascript:, mailto:, tel:, data: and relative links when there was no base URL.
    return url if urlsplit(url).scheme in ("http", "https") else None


def _canonical(url: str) -> str:
    """The URL without fragment, percent-escaped as browsers send it.

    >>> _canonical(" https://src.example/café menu?q=1#part-2 ")
    'https://src.example/caf%C3%A9%20menu?q=1'
    """
    return safe_url_string(urldefrag(url.strip())[0])
