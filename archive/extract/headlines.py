"""A page's headlines, each in its own field: the one a reader sees, and the metadata ones.

The visible headline is the article's ``<h1>``: what a reader of the page sees, and what the
text hash covers with the body. CMSs keep three more that readers of the page do not see, and
often update them separately: the social headline (``og:title``, what a shared link shows),
the search title (``<title>``, what a search result and the browser tab show) and the
structured-data headline (JSON-LD ``headline``). They are recorded beside the text, so a change
to one of them alone is its own kind of edit and never makes the body look edited.

When the page has no ``<h1>`` that can be the article's, the visible headline is the
extractor's title (trafilatura takes it from the page's metadata), as before.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

from lxml.html import HtmlElement

from archive.extract.normalize import normalize_text

# A headline longer than this is not a headline (a page that wraps its body in an <h1>).
MAX_HEADLINE_CHARS = 400
# JSON-LD blocks are page input: a huge one is skipped rather than parsed.
_MAX_JSON_LD_CHARS = 200_000

# Elements an <h1> inside of which is page furniture, not the article's headline.
_FURNITURE_TAGS = frozenset({"nav", "footer", "aside"})
# Whole class/id tokens, on the <h1> or its children, naming the site's logo or name.
_LOGO_TOKENS = frozenset({"logo", "brand", "branding", "sitename", "masthead", "site"})
# The same on its parent ("site" alone there is too common: `site-content` wraps articles).
_PARENT_LOGO_TOKENS = frozenset({"logo", "brand", "branding", "sitename", "masthead"})
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")

HeadlineSource = Literal["h1", "extractor"]


@dataclass(frozen=True)
class Headlines:
    """The visible headline and the three metadata headlines of one page."""

    visible: str | None  # hashed with the body; the h1, else the extractor's title
    source: HeadlineSource  # where `visible` came from
    social: str | None  # og:title (twitter:title when there is none)
    search: str | None  # <title>
    structured: str | None  # JSON-LD headline

    def fields(self) -> dict[str, str]:
        """The pageinfo record's metadata headline fields (absent ones left out)."""
        values = {"headline_source": self.source, "social_title": self.social,
                  "search_title": self.search, "structured_headline": self.structured}
        return {key: value for key, value in values.items() if value}


def page_headlines(tree: HtmlElement, extractor_title: str | None) -> Headlines:
    """The headlines of a parsed page; `extractor_title` is trafilatura's title."""
    search = _clean(" ".join(tree.xpath("//head/title[1]//text()"))
                    or " ".join(tree.xpath("(//title)[1]//text()")))
    social = _clean(_meta(tree, "og:title") or _meta(tree, "twitter:title"))
    structured = _clean(_json_ld_headline(tree))
    h1 = visible_h1(tree, [t for t in (social, search, structured, extractor_title) if t])
    if h1 is not None:
        return Headlines(h1, "h1", social, search, structured)
    return Headlines(_clean(extractor_title), "extractor", social, search, structured)


def visible_h1(tree: HtmlElement, metadata_titles: list[str]) -> str | None:
    """The text of the ``<h1>`` that is the article's headline, if the page has one.

    Logos and the site's name are passed over. Of the ``<h1>`` outside navigation, asides
    and footers: with one, it is the headline, whatever it says (it may have been rewritten
    away from the metadata titles); with several, the one sharing most words with the metadata
    titles, else the first inside an ``<article>`` or ``<main>``. A page whose only headline
    ``<h1>`` is in its navigation (the last crumb of a breadcrumb trail) has it taken there
    when it shares words with the metadata titles.
    """
    site_name = _clean(_meta(tree, "og:site_name"))
    named = [(element, text) for element in tree.iter("h1")
             if (text := _clean(_visible_text(element))) and text != site_name
             and not _is_logo(element)]
    candidates = [(element, text) for element, text in named if not _in_furniture(element)]
    wanted = {word for title in metadata_titles for word in _words(title)}
    if not candidates:
        return _most_alike(named, wanted)
    if len(candidates) == 1:
        return candidates[0][1]
    best = _most_alike(candidates, wanted)
    if best is not None:
        return best
    for element, text in candidates:
        if element.xpath("boolean(ancestor::article | ancestor::main)"):
            return text
    return None


def _most_alike(candidates: list[tuple[HtmlElement, str]], wanted: set[str]) -> str | None:
    """The candidate sharing most words with `wanted` (the first of equals), or None when
    none shares any."""
    scored = [(len(_words(text) & wanted), -number, text)
              for number, (_element, text) in enumerate(candidates)]
    best = max(scored, default=None)
    return best[2] if best is not None and best[0] > 0 else None


def _visible_text(element: HtmlElement) -> str:
    return " ".join(element.xpath(".//text()[not(ancestor::script or ancestor::style)]"))


def _in_furniture(h1: HtmlElement) -> bool:
    return any(ancestor.tag in _FURNITURE_TAGS for ancestor in h1.iterancestors())


def _is_logo(h1: HtmlElement) -> bool:
    if any(_tokens(element) & _LOGO_TOKENS for element in (h1, *h1.iterdescendants())):
        return True
    parent = h1.getparent()
    if parent is not None and _tokens(parent) & _PARENT_LOGO_TOKENS:
        return True
    # A headline that is only a link to the site's front page is the site's name.
    links = h1.xpath(".//a/@href")
    return len(links) == 1 and str(links[0]).strip() in ("/", "./", "")


def _tokens(element: HtmlElement) -> set[str]:
    if not isinstance(element.tag, str):  # comments and processing instructions
        return set()
    names = f"{element.get('class', '')} {element.get('id', '')}".lower()
    return set(_TOKEN_SPLIT.split(names))


def _words(text: str) -> set[str]:
    return {word for word in re.findall(r"\w+", text.casefold()) if len(word) > 2}


def _clean(text: str | None) -> str | None:
    """One line of normalised text, or None when empty or too long to be a headline."""
    if not text:
        return None
    line = normalize_text(text).replace("\n", " ")
    return line if 0 < len(line) <= MAX_HEADLINE_CHARS else None


def _meta(tree: HtmlElement, name: str) -> str | None:
    for value in tree.xpath("//meta[@property=$n or @name=$n]/@content", n=name):
        if str(value).strip():
            return str(value)
    return None


def _json_ld_headline(tree: HtmlElement) -> str | None:
    """The first string ``headline`` in the page's JSON-LD blocks (unparseable ones skipped)."""
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        if len(script) > _MAX_JSON_LD_CHARS:
            continue
        try:
            stack: list[object] = [json.loads(script)]
        except ValueError:
            continue
        while stack:
            node = stack.pop(0)
            if isinstance(node, dict):
                if isinstance(node.get("headline"), str) and node["headline"].strip():
                    return str(node["headline"])
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return None
