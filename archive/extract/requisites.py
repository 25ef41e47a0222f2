"""What a page needs to render: its stylesheets, scripts, fonts, images and media. Pure.

`page_requisites` takes a parsed lxml tree (so it can share the parse extraction makes) and
returns the URLs a browser would load to show the page, in document order, each once, with
its kind. It reads what is in the markup: `<link>`s, `<script src>`, images and their
`srcset` (the candidates common screens choose: archive.extract.srcset), `<picture>` sources,
posters, media sources, `<input type=image>`, `style` attributes and `<style>` blocks
(archive.extract.cssrefs), `<base href>`, the lazy-loading attributes news sites use
(`data-src`, `data-srcset`, `data-lazy-src`, `data-original`) and `<noscript>` fallbacks.
What scripts would fetch when they run is not knowable here and is not guessed.

Schemes are not judged: the caller fetches http(s) and counts the rest (`data:` is inline,
`javascript:` nothing at all).

>>> from lxml import html
>>> doc = html.document_fromstring('<base href="https://cdn.example/a/"><link rel=stylesheet '
...     'href=s.css><img data-src=lazy.jpg src=blank.gif style="background:url(bg.png)">')
>>> [(r.url, r.kind) for r in page_requisites(doc, "https://news.example/story")]
[('https://cdn.example/a/s.css', 'stylesheet'), ('https://cdn.example/a/blank.gif', 'image'), \
('https://cdn.example/a/lazy.jpg', 'image'), ('https://cdn.example/a/bg.png', 'image')]
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
from lxml.html import HtmlElement
from w3lib.url import safe_url_string

from archive.extract.cssrefs import css_references
from archive.extract.decode import decode_html
from archive.extract.srcset import (
    COMMON_SCREENS,
    Candidate,
    chosen_candidates,
    media_matches,
    parse_srcset,
    screen_choice,
)

MAX_REQUISITES = 20_000  # found in one page; the crawl's own per-page cap is far lower
MAX_NOSCRIPT_CHARS = 256 * 1024  # a <noscript> block re-parsed as markup

KINDS = ("stylesheet", "script", "font", "image", "icon", "media", "other")
_ICON_RELS = {"icon", "shortcut icon", "apple-touch-icon", "apple-touch-icon-precomposed",
              "mask-icon"}
_PRELOAD_AS = {"style": "stylesheet", "script": "script", "font": "font", "image": "image",
               "audio": "media", "video": "media", "track": "media"}
_LAZY_SRC = ("data-src", "data-lazy-src", "data-original")
_LAZY_SRCSET = ("data-srcset", "data-lazy-srcset")
_WHITESPACE_IN_URL = re.compile(r"[\t\n\r]")
# What every current browser decodes; a <source> of another type is skipped, as they skip it.
SUPPORTED_IMAGE_TYPES = {"image/avif", "image/webp", "image/png", "image/jpeg", "image/jpg",
                         "image/gif", "image/svg+xml", "image/apng", "image/bmp",
                         "image/x-icon", "image/vnd.microsoft.icon"}


@dataclass(frozen=True)
class Requisite:
    """One URL a page needs to render, and what it is."""

    url: str
    kind: str  # one of KINDS


def page_requisites(doc: HtmlElement, page_url: str) -> list[Requisite]:
    """Every requisite of a parsed page, resolved against its `<base href>` (or its URL)."""
    found = _Found(_base_url(doc, page_url))
    _collect(doc, found)
    return list(found.items.values())


def html_requisites(html: str, page_url: str) -> list[Requisite]:
    """`page_requisites` of markup not parsed yet (a page whose parse is not shared)."""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        doc = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except Exception:  # lxml refuses empty or whitespace-only documents
        return []
    return page_requisites(doc, page_url)


class _Found:
    def __init__(self, base: str) -> None:
        self.base = base
        self.items: dict[str, Requisite] = {}

    def add(self, value: str | None, kind: str) -> None:
        if value is None or len(self.items) >= MAX_REQUISITES:
            return
        value = _WHITESPACE_IN_URL.sub("", value.strip())
        if not value or value.startswith("#"):
            return
        try:
            url = urljoin(self.base, value)
            if urlsplit(url).scheme in ("http", "https"):
                url = safe_url_string(urldefrag(url)[0])
        except ValueError:  # a malformed host: a browser cannot load it either
            return
        self.items.setdefault(url, Requisite(url, kind))

    def add_css(self, css: str | None, inline: bool) -> None:
        if css:
            for reference in css_references(css, self.base, inline=inline):
                self.add(reference.url, reference.kind)

    def add_srcset(self, srcset: str | None, sizes: str | None) -> None:
        if srcset:
            for url in chosen_candidates(srcset, sizes):
                self.add(url, "image")


def _base_url(doc: HtmlElement, page_url: str) -> str:
    """The first `<base href>` that resolves to http(s), as browsers use it; else the page."""
    for href in doc.xpath("//base/@href")[:1]:
        try:
            base = urljoin(page_url, str(href).strip())
        except ValueError:
            return page_url
        return base if urlsplit(base).scheme in ("http", "https") else page_url
    return page_url


def _collect(doc: HtmlElement, found: _Found) -> None:
    for element in doc.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if tag in ("img", "source") and _in_picture(element):
            pass  # chosen with its <picture>, as a whole
        elif tag == "picture":
            _picture(element, found)
        elif tag == "link":
            _link(element, found)
        elif tag == "script":
            found.add(element.get("src"), "script")
        elif tag == "img":
            found.add(element.get("src"), "image")
            found.add_srcset(element.get("srcset"), element.get("sizes"))
            _lazy(element, found)
        elif tag == "source":
            _source(element, found)
        elif tag in ("video", "audio"):
            found.add(element.get("src"), "media")
            found.add(element.get("poster"), "image")
        elif tag == "input" and (element.get("type") or "").lower() == "image":
            found.add(element.get("src"), "image")
        elif tag == "style":
            found.add_css(element.text_content(), inline=False)
        elif tag == "noscript":
            _noscript(element, found)
        if tag and element.get("style"):
            found.add_css(element.get("style"), inline=True)


def _link(element: HtmlElement, found: _Found) -> None:
    rel = " ".join((element.get("rel") or "").lower().split())
    tokens = set(rel.split())
    href = element.get("href")
    if "stylesheet" in tokens:
        found.add(href, "stylesheet")
    elif rel in _ICON_RELS or tokens & {"icon", "apple-touch-icon"}:
        found.add(href, "icon")
    elif "modulepreload" in tokens:
        found.add(href, "script")
    elif "preload" in tokens:
        found.add(href, _PRELOAD_AS.get((element.get("as") or "").lower(), "other"))
        found.add_srcset(element.get("imagesrcset"), element.get("imagesizes"))


def _in_picture(element: HtmlElement) -> bool:
    # libxml2's HTML parser does not know <source> is a void element and nests what follows
    # it inside it: an ancestor, not only the parent, tells.
    return any(str(a.tag).lower() == "picture" for a in element.iterancestors())


def _picture(picture: HtmlElement, found: _Found) -> None:
    """A `<picture>` as browsers read it: for each common screen, the first `<source>` whose
    type they decode and whose media matches, else the `<img>`; the candidate that screen
    picks from it (and from its lazy `data-srcset`, which a script swaps in). A JPEG fallback
    behind a WebP source is not what any current browser loads."""
    options = []  # (media, [(candidates, sizes), ...]) of each decodable source, in order
    sets: list[tuple[list[Candidate], str | None]] | None
    for source in picture.iter("source"):
        kind = (source.get("type") or "").split(";")[0].strip().lower()
        if kind and kind not in SUPPORTED_IMAGE_TYPES:
            continue
        sets = [(parse_srcset(source.get(name) or ""), source.get("sizes"))
                for name in ("srcset", *_LAZY_SRCSET) if source.get(name)]
        if sets:  # a source without candidates is skipped, as browsers skip it
            options.append((source.get("media"), sets))
    image = next(picture.iter("img"), None)
    image_sets = [] if image is None else [
        (parse_srcset(image.get(name) or ""), image.get("sizes"))
        for name in ("srcset", *_LAZY_SRCSET) if image.get(name)]
    falls_back = False
    for viewport, dpr in COMMON_SCREENS:
        sets = next((sets for media, sets in options if media_matches(media, viewport)), None)
        if sets is None:
            falls_back = True
            sets = image_sets
        for candidates, sizes in sets:
            url = screen_choice(candidates, sizes, viewport, dpr)
            if url is not None:
                found.add(url, "image")
    if falls_back and image is not None:
        if not any(candidates for candidates, _ in image_sets):
            found.add(image.get("src"), "image")
        _lazy(image, found)


def _source(element: HtmlElement, found: _Found) -> None:
    in_media = any(str(a.tag).lower() in ("video", "audio") for a in element.iterancestors())
    if in_media:
        found.add(element.get("src"), "media")
        return
    found.add_srcset(element.get("srcset"), element.get("sizes"))
    for name in _LAZY_SRCSET:
        found.add_srcset(element.get(name), element.get("sizes"))


def _lazy(element: HtmlElement, found: _Found) -> None:
    """Lazy loaders keep the real image in data-* attributes and swap it in on scroll; replay
    runs the same script, which then asks the archive for that URL."""
    for name in _LAZY_SRC:
        found.add(element.get(name), "image")
    for name in _LAZY_SRCSET:
        found.add_srcset(element.get(name), element.get("sizes"))


def _noscript(element: HtmlElement, found: _Found) -> None:
    """lxml parses a `<noscript>`'s content as elements (then the main loop sees them), but
    markup escaped as text inside it, as some parsers leave it, is read as markup here."""
    text = element.text or ""
    if "<" not in text or len(text) > MAX_NOSCRIPT_CHARS:
        return
    try:
        fragment = lxml.html.fragment_fromstring(text, create_parent="div")
    except Exception:  # not markup after all
        return
    _collect(fragment, found)


def requisites_of_body(body: bytes, page_url: str,
                       content_type: str | None = None) -> list[Requisite]:
    """The requisites of an HTML response body (decoded as extraction decodes it)."""
    return html_requisites(decode_html(body, content_type).text, page_url)


def stylesheet_references(body: bytes, url: str,
                          content_type: str | None = None) -> list[tuple[str, str]]:
    """(url, kind) of what a fetched stylesheet refers to: its charset from the header, else
    its `@charset`, else UTF-8 (CSS Syntax 3, section 3.2); undecodable bytes are replaced."""
    charset = None
    if content_type:
        match = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.I)
        charset = match.group(1) if match else None
    if charset is None:
        declared = re.match(rb'@charset "([\w.:-]+)";', body[:128])
        charset = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = "utf-8"
    text = body.decode(charset, errors="replace").lstrip("\ufeff")
    return [(ref.url, ref.kind) for ref in css_references(text, url)]
