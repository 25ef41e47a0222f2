"""Find the article on a page and the links it cites.

Links are read from the HTML, not from trafilatura's output, which can drop a standfirst that
carries the only link to the source. The page is first pruned of boilerplate: furniture tags,
elements whose class, id, aria-label or role names navigation, rails, promotions, sharing,
newsletters, comments, tags or author boxes, and blocks under headings such as "More from …" or
"Promoted stories". Nothing that wraps the article (an ``<h1>``, ``<main>`` or ``articleBody``)
is ever pruned, so a CMS that puts the whole page in a ``<form>`` still works. Of the semantic
containers left, the one with the most paragraph text is the article, narrowed to the innermost
container that still holds most of that text, then widened to take in the headline.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterable
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
from lxml import etree
from lxml.html import HtmlElement
from w3lib.url import safe_url_string

_ALWAYS_DROP = ("script", "style", "noscript", "template", "iframe", "svg", "button", "select")
_FURNITURE_TAGS = {"nav", "aside", "footer", "form"}
_FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog"}
# Whole tokens of class, id or aria-label (split at punctuation and camelCase humps).
# fmt: off
_FURNITURE_TOKENS = frozenset({
    "nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "masthead", "footer",
    "sidebar", "rail", "ad", "ads", "advert", "advertisement", "adslot", "dfp", "promo",
    "promoted", "sponsored", "sponsor", "outbrain", "taboola", "share", "sharing", "social",
    "newsletter", "subscribe", "signup", "comment", "comments", "disqus", "related", "recommended",
    "recirculation", "recirc", "tags", "topics", "bio", "byline", "author", "trending", "popular",
    "mostread", "paywall", "cookie", "consent", "modal", "popup", "kicker", "eyebrow",
    "overline",
})
# fmt: on
# Adjacent token pairs that name furniture although neither word does alone.
_FURNITURE_PAIRS = {"most read", "more from", "read more", "site header", "more stories"}
_FURNITURE_HEADING = re.compile(
    r"more (from|on|in|stories|news)\b.*|(promoted|sponsored|recommended|related|top|popular)"
    r"( stories| content| articles| coverage| links| for you)?|read more|most (read|popular|"
    r"viewed|shared)|you (may|might) also like|around the web|trending( now)?|editor'?s picks|"
    r"comments?|(sign up|subscribe)\b.*|newsletters?",
    re.IGNORECASE,
)
_HEADING_TAGS = {"h2", "h3", "h4", "h5", "h6", "div", "span", "p", "strong", "b"}
_HEADING_MAX_CHARS = 60
# A block is a link list, not prose, when this share of its text is link text.
_LINK_DENSE = 0.3
_WRAPS_ARTICLE = (
    "boolean(self::main | .//h1 | .//main | .//*[@role='main' or @itemprop='articleBody'])"
)

_CANDIDATES = "//article | //main | //*[@itemprop='articleBody'] | //*[@role='main']"
# A candidate inside the best one takes over when it holds this share of its paragraph text.
_NARROW_SHARE = 2 / 3
# Widening towards the headline: a few levels, never to an ancestor with much more paragraph text.
_WIDEN_LEVELS = 3
_WIDEN_MAX_GROWTH = 1.5


def article_region(doc: HtmlElement) -> HtmlElement | None:
    """The element holding the article's headline, standfirst, body and captions.

    The element belongs to a pruned copy of ``doc``, which is left unchanged. None when the page
    has no paragraph text at all, e.g. a JavaScript shell.
    """
    pruned = pruned_copy(doc)
    region = _best_candidate(pruned)
    if region is None:
        region = _densest_paragraph_parent(pruned)
    return None if region is None else _widen_to_headline(region)


def cited_links(html: str | HtmlElement, base_url: str) -> list[str]:
    """Absolute http(s) URLs the article links to, de-duplicated, in document order.

    Fragments are removed; links to the page itself and ``javascript:``, ``mailto:``, ``tel:``,
    ``data:`` and fragment-only links are dropped. Relative links resolve against the page's
    ``<base href>`` if it has one, else ``base_url``.
    """
    doc = parse_html(html) if isinstance(html, str) else html
    region = None if doc is None else article_region(doc)
    if doc is None or region is None:
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


def pruned_copy(doc: HtmlElement, by_heading: bool = True) -> HtmlElement:
    """A copy of the page without its boilerplate subtrees.

    ``by_heading`` also drops blocks under headings like "Related" or "Top stories": furniture on
    an article page, but the content itself on a section front.
    """
    pruned = copy.deepcopy(doc.getroottree().getroot())
    for element in list(pruned.iter(*_ALWAYS_DROP)):
        _drop(element)
    for element in [el for el in pruned.iter() if _is_furniture(el) and not _wraps_article(el)]:
        _drop(element)
    headings = pruned.iter(*_HEADING_TAGS) if by_heading else ()
    for heading in [el for el in headings if _is_furniture_heading(el)]:
        _drop_headed_block(heading)
    return pruned


def _is_furniture(element: HtmlElement) -> bool:
    if not isinstance(element.tag, str) or element.tag in ("html", "body"):
        return False
    if element.tag in _FURNITURE_TAGS or element.get("role", "").lower() in _FURNITURE_ROLES:
        return True
    if element.tag == "header" and not any(
        a.tag in ("article", "main") for a in element.iterancestors()
    ):
        return True  # the site header; an article's own <header> holds headline and standfirst
    names = " ".join(element.get(name, "") for name in ("class", "id", "aria-label"))
    tokens = re.sub(r"([a-z])([A-Z])", r"\1 \2", names).lower()
    words = [word for word in re.split(r"[^a-z0-9]+", tokens) if word]
    pairs = {" ".join(pair) for pair in itertools.pairwise(words)}
    return bool(_FURNITURE_TOKENS.intersection(words) or _FURNITURE_PAIRS & pairs)


def _wraps_article(element: HtmlElement) -> bool:
    return bool(element.xpath(_WRAPS_ARTICLE))


def _is_furniture_heading(element: HtmlElement) -> bool:
    """A short heading-like element whose whole text reads "Related", "More from …" and so on."""
    if element.getparent() is None or (
        element.tag not in ("h2", "h3", "h4", "h5", "h6") and len(element)
    ):
        return False  # only real headings, or label-like leaves with no child elements
    text = " ".join(element.text_content().split()).strip(" :.…»›>|-")
    return len(text) <= _HEADING_MAX_CHARS and bool(_FURNITURE_HEADING.fullmatch(text))


def _drop_headed_block(heading: HtmlElement) -> None:
    """Drop the block a furniture heading introduces, or else the link lists that follow it."""
    block, parent = heading, heading.getparent()
    while (
        parent is not None
        and not _wraps_article(parent)
        and _link_density(parent, heading) >= _LINK_DENSE
    ):
        block, parent = parent, parent.getparent()
    if block is heading:
        for sibling in list(heading.itersiblings()):
            if _link_density(sibling, heading) < _LINK_DENSE:
                break
            _drop(sibling)
    if block.getparent() is not None:  # earlier drops may have detached it already
        _drop(block)


def _link_density(element: HtmlElement, heading: HtmlElement) -> float:
    """Share of the element's text, the heading's aside, that sits inside links."""
    total = len(element.text_content()) - len(heading.text_content())
    linked = sum(
        len(a.text_content()) for a in element.iter("a") if heading not in a.iterancestors()
    )
    return 1.0 if total <= 0 else linked / total


def _drop(element: HtmlElement) -> None:
    """Remove the element and its subtree, keeping the text that follows it."""
    if element.getparent() is not None:
        element.drop_tree()


def _paragraph_text_length(element: HtmlElement) -> int:
    """Characters of whitespace-collapsed text in the element's ``<p>`` descendants."""
    return sum(len(" ".join(p.text_content().split())) for p in element.iter("p"))


def _best_candidate(pruned: HtmlElement) -> HtmlElement | None:
    """The semantic container with the most paragraph text, narrowed to the innermost one."""
    scored: list[tuple[int, HtmlElement]] = [(_paragraph_text_length(el), el)
                                             for el in pruned.xpath(_CANDIDATES)]
    scored = [(score, el) for score, el in scored if score > 0]
    if not scored:
        return None
    best_score, best = max(scored, key=lambda pair: pair[0])
    while inner := [
        (score, el)
        for score, el in scored
        if score >= _NARROW_SHARE * best_score and best in el.iterancestors()
    ]:
        best_score, best = max(inner, key=lambda pair: pair[0])
    return best


def _densest_paragraph_parent(pruned: HtmlElement) -> HtmlElement | None:
    """The element whose own ``<p>`` children hold the most text: the fallback for div soup."""
    totals: dict[HtmlElement, int] = {}
    for paragraph in pruned.iter("p"):
        parent = paragraph.getparent()
        if parent is None:
            continue
        totals[parent] = totals.get(parent, 0) + len(" ".join(paragraph.text_content().split()))
    parent, total = max(totals.items(), key=lambda item: item[1], default=(None, 0))
    return parent if total else None


def _widen_to_headline(region: HtmlElement) -> HtmlElement:
    """Climb to the nearest ancestor holding the page's one ``<h1>``, if it is close.

    An ``articleBody`` or the densest ``<div>`` often leaves out the header above it, where the
    headline and the standfirst (with its source link) live.
    """
    if region.xpath("boolean(.//h1)"):
        return region
    limit = _WIDEN_MAX_GROWTH * _paragraph_text_length(region)
    for ancestor in list(region.iterancestors())[:_WIDEN_LEVELS]:
        if ancestor.tag in ("body", "html") or _paragraph_text_length(ancestor) > limit:
            break
        if len(ancestor.xpath(".//h1")) == 1:
            return ancestor
    return region


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
