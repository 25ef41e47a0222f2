"""Which parts of a parsed page are furniture: navigation, rails, promotions, sharing, comments.

The answer is a set of the page's own elements (each furniture subtree, whole), so every later
question ("which links does the article cite?", "which paragraphs are the body?") is asked of
the one parse, skipping those elements, and nothing copies or edits the tree to ask it.

Furniture is: tags that never hold prose (scripts, styles, buttons...); ``nav``, ``aside``,
``footer``, ``form`` and the site's own ``header``; ARIA landmarks around the content; elements
whose class, id or aria-label names navigation, rails, promotions, sharing, newsletters,
comments, tags or author boxes; and blocks under headings such as "More from …" or "Promoted
stories". Nothing that wraps the article (an ``<h1>``, ``<main>`` or ``articleBody``) is ever
furniture, so a CMS that puts the whole page in a ``<form>`` still works.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Set as AbstractSet
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

_ALWAYS_SKIP = frozenset(
    {"script", "style", "noscript", "template", "iframe", "svg", "button", "select"}
)
_FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "form"})
_FURNITURE_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog"}
)
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
_FURNITURE_PAIRS = frozenset({"most read", "more from", "read more", "site header", "more stories"})
_FURNITURE_HEADING = re.compile(
    r"more (from|on|in|stories|news)\b.*|(promoted|sponsored|recommended|related|top|popular)"
    r"( stories| content| articles| coverage| links| for you)?|read more|most (read|popular|"
    r"viewed|shared)|you (may|might) also like|around the web|trending( now)?|editor'?s picks|"
    r"comments?|(sign up|subscribe)\b.*|newsletters?",
    re.IGNORECASE,
)
_REAL_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6", "div", "span", "p", "strong", "b")
_HEADING_MAX_CHARS = 60
# A block is a link list, not prose, when this share of its text is link text.
_LINK_DENSE = 0.3
# What marks an element as wrapping the article: it is one of these or holds one. Article
# containers are asked for in the same query, for the region's use (one pass over the page).
ARTICLE_MARKS = etree.XPath(
    "//h1 | //main | //article | //*[@role='main' or @itemprop='articleBody']"
)
_CAMEL_HUMP = re.compile(r"([a-z])([A-Z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def furniture(
    doc: HtmlElement,
    by_heading: bool = True,
    walked: list[HtmlElement] | None = None,
    marks: list[HtmlElement] | None = None,
) -> set[HtmlElement]:
    """Every element of ``doc`` that lies in a furniture subtree (the subtree's root included).

    ``by_heading`` also counts blocks under headings like "Related" or "Top stories": furniture
    on an article page, but the content itself on a section front. ``doc`` is not changed.
    ``walked``, when given, receives every other element in document order: holding on to
    them keeps lxml from building their Python objects again on each later pass (a cost that
    shows on big pages). ``marks``: ``ARTICLE_MARKS`` of the page, if the caller has them.
    """
    root = doc.getroottree().getroot()
    wrapping = _wrapping_article(ARTICLE_MARKS(root) if marks is None else marks)
    hidden: set[HtmlElement] = set()
    kept = walked if walked is not None else []
    stack = [root]
    while stack:  # a walk that does not descend into what it hides: each element once
        element = stack.pop()
        tag = element.tag
        if not isinstance(tag, str):
            continue  # an entity or a processing instruction the parser kept
        if tag in _ALWAYS_SKIP or (element not in wrapping and _is_furniture(element, tag)):
            hidden.update(element.iter())
            continue
        kept.append(element)
        stack.extend(reversed(element))
    if by_heading:
        for heading in list(root.iter(*_HEADING_TAGS)):
            if heading not in hidden and _is_furniture_heading(heading):
                _hide_headed_block(heading, hidden, wrapping)
    return hidden


def _wrapping_article(marks: list[HtmlElement]) -> set[HtmlElement]:
    """Elements that are a ``<main>`` or hold an ``<h1>``, ``<main>`` or ``articleBody``."""
    wrapping: set[HtmlElement] = set()
    for mark in marks:
        if mark.tag == "article" and not (
            mark.get("role") == "main" or mark.get("itemprop") == "articleBody"
        ):
            continue  # an <article> marks nothing by itself
        if mark.tag == "main":
            wrapping.add(mark)
        for ancestor in mark.iterancestors():
            if ancestor in wrapping:
                break  # the rest of the way up was added by an earlier mark
            wrapping.add(ancestor)
    return wrapping


def _is_furniture(element: HtmlElement, tag: str) -> bool:
    if tag in ("html", "body"):
        return False
    if tag in _FURNITURE_TAGS or element.get("role", "").lower() in _FURNITURE_ROLES:
        return True
    if tag == "header" and not any(a.tag in ("article", "main") for a in element.iterancestors()):
        return True  # the site header; an article's own <header> holds headline and standfirst
    names = (element.get("class"), element.get("id"), element.get("aria-label"))
    return any(name and _names_furniture(name) for name in names)


@lru_cache(maxsize=4096)
def _names_furniture(name: str) -> bool:
    """Whether a class, id or aria-label value names furniture (pages repeat these a lot).

    >>> [_names_furniture(name) for name in ("c-mostRead", "story-body", "read-more")]
    [True, False, True]
    """
    words = [word for word in _NOT_WORD.split(_CAMEL_HUMP.sub(r"\1 \2", name).lower()) if word]
    if _FURNITURE_TOKENS.intersection(words):
        return True
    return any(" ".join(pair) in _FURNITURE_PAIRS for pair in itertools.pairwise(words))


def _is_furniture_heading(element: HtmlElement) -> bool:
    """A short heading-like element whose whole text reads "Related", "More from …" and so on."""
    if element.getparent() is None or (element.tag not in _REAL_HEADINGS and len(element)):
        return False  # only real headings, or label-like leaves with no child elements
    raw = element.text if not len(element) else element.text_content()
    if not raw or len(raw) > 4 * _HEADING_MAX_CHARS:
        return False  # cheap first: most leaves are empty or prose
    text = " ".join(raw.split()).strip(" :.…»›>|-")
    return len(text) <= _HEADING_MAX_CHARS and bool(_FURNITURE_HEADING.fullmatch(text))


def _hide_headed_block(
    heading: HtmlElement, hidden: set[HtmlElement], wrapping: set[HtmlElement]
) -> None:
    """Hide the block a furniture heading introduces, or else the link lists that follow it."""
    block, parent = heading, heading.getparent()
    while (
        parent is not None
        and parent not in wrapping
        and _link_density(parent, heading) >= _LINK_DENSE
    ):
        block, parent = parent, parent.getparent()
    if block is heading:
        for sibling in heading.itersiblings():
            if _link_density(sibling, heading) < _LINK_DENSE:
                break
            hidden.update(sibling.iter())
    hidden.update(block.iter())


def _link_density(element: HtmlElement, heading: HtmlElement) -> float:
    """Share of the element's text, the heading's aside, that sits inside links."""
    total = len(element.text_content()) - len(heading.text_content())
    linked = sum(
        len(a.text_content()) for a in element.iter("a") if heading not in a.iterancestors()
    )
    return 1.0 if total <= 0 else linked / total


def kept_text(element: HtmlElement, hidden: AbstractSet[HtmlElement]) -> str:
    """The element's text without the furniture inside it (the text after furniture stays)."""
    if not any(inner in hidden for inner in element.iterdescendants()):
        return str(element.text_content())
    parts: list[str] = []
    _gather_text(element, hidden, parts)
    return "".join(parts)


def _gather_text(
    element: HtmlElement, hidden: AbstractSet[HtmlElement], parts: list[str]
) -> None:
    if isinstance(element.tag, str) and element.text:
        parts.append(element.text)
    for child in element:
        if child not in hidden:
            _gather_text(child, hidden, parts)
        if child.tail:
            parts.append(child.tail)
