"""The article's region of a parsed page, decided once per page and shared.

Cited links, the standfirst and the body's recovered blocks are all read from this one region,
on the page's one parse (``archive.extract.article``). Of the semantic containers that are not
furniture (``archive.extract.furniture``), the one with the most paragraph text is the article,
narrowed to the innermost container that still holds most of that text, then widened to take in
the headline. Pages without such containers fall back to the element whose own paragraphs hold
the most text. The page is never copied or changed: furniture inside the region is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml.html import HtmlElement

from archive.extract.furniture import ARTICLE_MARKS, furniture, kept_text

# A candidate inside the best one takes over when it holds this share of its paragraph text.
_NARROW_SHARE = 2 / 3
# Widening towards the headline: a few levels, never to an ancestor with much more paragraph text.
_WIDEN_LEVELS = 3
_WIDEN_MAX_GROWTH = 1.5


@dataclass(frozen=True)
class Region:
    """The element holding the article's headline, standfirst, body and captions, and the
    furniture of the page (which ``iter`` and ``text`` skip)."""

    element: HtmlElement
    hidden: frozenset[HtmlElement]
    # Every element of the page that is not furniture, held so that lxml keeps their Python
    # objects instead of building them again for each question asked of the region.
    walked: tuple[HtmlElement, ...] = ()

    def iter(self, *tags: str) -> Iterator[HtmlElement]:
        """The region's elements of these tags (all when none), furniture skipped, in order."""
        return (el for el in self.element.iter(*tags) if el not in self.hidden)

    def text(self, element: HtmlElement | None = None) -> str:
        """The text of ``element`` (default: the whole region) without furniture."""
        return kept_text(self.element if element is None else element, self.hidden)

    def holds(self, element: HtmlElement) -> bool:
        """Whether ``element`` is in the region and not furniture."""
        if element in self.hidden:
            return False
        return element is self.element or any(
            ancestor is self.element for ancestor in element.iterancestors()
        )


def article_region(doc: HtmlElement) -> Region | None:
    """The article's region of a parsed page; None when the page has no paragraph text at all
    (e.g. a JavaScript shell). ``doc`` is left unchanged."""
    walked: list[HtmlElement] = []
    marks = ARTICLE_MARKS(doc.getroottree().getroot())
    hidden = frozenset(furniture(doc, walked=walked, marks=marks))
    lengths = _paragraph_lengths(doc, hidden)
    candidates = [el for el in marks if el.tag != "h1" and el not in hidden]
    element = _best_candidate(candidates, lengths)
    if element is None:
        element = _densest_paragraph_parent(lengths)
    if element is None:
        return None
    return Region(_widen_to_headline(element, hidden, lengths), hidden, tuple(walked))


def _paragraph_lengths(
    doc: HtmlElement, hidden: frozenset[HtmlElement]
) -> dict[HtmlElement, int]:
    """Characters of whitespace-collapsed text of every ``<p>`` that is not furniture."""
    return {
        p: len(" ".join(p.text_content().split()))
        for p in doc.getroottree().getroot().iter("p")
        if p not in hidden
    }


def _paragraph_text(element: HtmlElement, lengths: dict[HtmlElement, int]) -> int:
    return sum(lengths.get(p, 0) for p in element.iter("p"))


def _best_candidate(
    candidates: list[HtmlElement], lengths: dict[HtmlElement, int]
) -> HtmlElement | None:
    """The semantic container with the most paragraph text, narrowed to the innermost one."""
    scored = [(_paragraph_text(el, lengths), el) for el in candidates]
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


def _densest_paragraph_parent(lengths: dict[HtmlElement, int]) -> HtmlElement | None:
    """The element whose own ``<p>`` children hold the most text: the fallback for div soup."""
    totals: dict[HtmlElement, int] = {}
    for paragraph, length in lengths.items():
        parent = paragraph.getparent()
        if parent is not None:
            totals[parent] = totals.get(parent, 0) + length
    parent, total = max(totals.items(), key=lambda item: item[1], default=(None, 0))
    return parent if total else None


def _widen_to_headline(
    region: HtmlElement, hidden: frozenset[HtmlElement], lengths: dict[HtmlElement, int]
) -> HtmlElement:
    """Climb to the nearest ancestor holding the page's one ``<h1>``, if it is close.

    An ``articleBody`` or the densest ``<div>`` often leaves out the header above it, where the
    headline and the standfirst (with its source link) live.
    """
    if any(h1 not in hidden for h1 in region.iter("h1")):
        return region
    limit = _WIDEN_MAX_GROWTH * _paragraph_text(region, lengths)
    for ancestor in list(region.iterancestors())[:_WIDEN_LEVELS]:
        if ancestor.tag in ("body", "html") or _paragraph_text(ancestor, lengths) > limit:
            break
        if sum(1 for h1 in ancestor.iter("h1") if h1 not in hidden) == 1:
            return ancestor
    return region
