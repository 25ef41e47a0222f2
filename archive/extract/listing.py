"""Find the article links of a listing page (a section front or a home page).

Furniture is skipped as on an article page (`archive.extract.furniture`), except that blocks
under headings like "Top stories" are kept: on a section front they are the content.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from archive.extract.decode import decode_html
from archive.extract.furniture import furniture
from archive.extract.links import absolute_links, parse_html


def listing_links(html: str | HtmlElement, base_url: str) -> list[str]:
    """Links to articles in the main content of a section front or listing page.

    Heuristics: only ``<main>`` or ``[role=main]`` if the page has one, else the pruned body;
    only the listing's own host (``www.`` ignored); no tag, topic, category, section, author,
    search, account or sponsored pages, pagination, feeds, non-page files, the site root or the
    listing itself; and only article-like paths: a slug of three or more words in the last path
    segment, a slug of two words right under a folder such as ``articles/``, ``story/`` or
    ``news/``, or a number of four or more digits in the path (a date or an article id).
    """
    doc = parse_html(html) if isinstance(html, str) else html
    if doc is None:
        return []
    hidden = furniture(doc, by_heading=False)
    mains = [el for el in doc.xpath("//main | //*[@role='main']") if el not in hidden]
    scope = mains[0] if mains else doc.getroottree().getroot()
    links = absolute_links((a for a in scope.iter("a") if a not in hidden), doc, base_url)
    return [url for url in links if _is_article_url(url, base_url)]


# Path segments that mark a page as listing furniture rather than an article.
# fmt: off
_NON_ARTICLE_SEGMENTS = frozenset({
    "tag", "tags", "topic", "topics", "category", "categories", "section", "sections", "author",
    "authors", "people", "contributors", "search", "page", "feed", "feeds", "rss", "atom", "login",
    "subscribe", "account", "newsletter", "newsletters", "about", "contact", "privacy", "terms",
    "promoted", "sponsored", "partner", "advertorial",
})
# fmt: on
# fmt: off
_NON_PAGE_SUFFIXES = frozenset({
    ".xml", ".rss", ".atom", ".json", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".pdf",
    ".mp3", ".mp4", ".zip", ".css", ".js",
})
# fmt: on
# Folders whose two-word children are articles (/articles/flood-count), not sub-sections.
# fmt: off
_ARTICLE_FOLDERS = frozenset({
    "article", "articles", "story", "stories", "news", "post", "posts", "blog", "p", "a",
})
# fmt: on
_PAGINATION_QUERY = re.compile(r"(^|&)(page|p|offset|start)=\d+", re.IGNORECASE)


def listing_links_of_body(body: bytes, content_type: str | None, base_url: str) -> list[str]:
    """The article links of a listing page as received, decoded as extraction decodes it: one
    call, so the crawl can run it in an extraction worker under the per-page time budget."""
    return listing_links(decode_html(body, content_type).text, base_url)


def _is_article_url(url: str, listing_url: str) -> bool:
    """Whether ``url`` looks like an article on the listing's host (see ``listing_links``).

    >>> listing = "https://www.news.example/world/"
    >>> [_is_article_url(url, listing) for url in (
    ...     "https://news.example/world/2024/05/14/dam",  # a date in the path
    ...     "https://www.news.example/world/dam-holds-after-storm",  # a three-word slug
    ...     "https://www.news.example/story/dam-holds",  # a two-word slug in an article folder
    ...     "https://www.news.example/world/dam-holds",  # a two-word slug in a section
    ...     "https://www.news.example/world/europe/",  # a sub-section
    ...     "https://www.news.example/tag/dam-holds-after-storm",  # a tag page
    ...     "https://www.news.example/world/?page=2",  # pagination
    ...     "https://other.example/world/dam-holds-after-storm",  # another host
    ... )]
    [True, True, True, False, False, False, False, False]
    """
    parts, listing = urlsplit(url), urlsplit(listing_url)
    if len({(p.hostname or "").removeprefix("www.") for p in (parts, listing)}) != 1:
        return False
    if parts.path.rstrip("/") == listing.path.rstrip("/") or _PAGINATION_QUERY.search(parts.query):
        return False
    segments = [segment for segment in parts.path.lower().split("/") if segment]
    if not segments or _NON_ARTICLE_SEGMENTS.intersection(segments):
        return False
    stem, suffix = posixpath.splitext(segments[-1])
    if suffix in _NON_PAGE_SUFFIXES:
        return False
    words = len([word for word in re.split(r"[-_]+", stem) if word])
    in_article_folder = len(segments) >= 2 and segments[-2] in _ARTICLE_FOLDERS
    return (
        words >= 3 or (words == 2 and in_article_folder) or bool(re.search(r"\d{4,}", parts.path))
    )
