"""Find article URLs in feeds (RSS, Atom) and sitemaps (plain, index and Google News).

Each entry carries the date the publisher gave it (`updated`, `lastmod`, or a news
publication date), which scheduling uses to pull an article forward.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from urllib.parse import urljoin

import lxml.etree

logger = logging.getLogger(__name__)

MAX_DISCOVERY_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit (uncompressed)
MAX_ENTRIES = 50_000  # likewise: at most 50,000 URLs per sitemap


@dataclass(frozen=True)
class Entry:
    """A URL a feed or sitemap lists, with the publisher's date for it (ISO text or None)."""

    url: str
    updated: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: `urlset` entries are pages, `sitemapindex` entries are sitemaps."""

    kind: str  # "urlset" | "sitemapindex"
    entries: tuple[Entry, ...]
    capped: bool = False  # it lists more than MAX_ENTRIES: the rest were not read


def parse_feed(body: bytes, base_url: str) -> list[Entry]:
    """Entries of an RSS or Atom feed, in feed order."""
    import feedparser  # slow to import; only crawls that read feeds pay for it

    if len(body) > MAX_DISCOVERY_BYTES:
        raise ValueError(f"feed is over {MAX_DISCOVERY_BYTES} bytes")
    parsed = feedparser.parse(BytesIO(body), sanitize_html=False, resolve_relative_uris=False)
    entries = []
    for item in parsed.entries[:MAX_ENTRIES]:
        link = item.get("link") or _first_alternate(item)
        if not link:
            continue
        updated = None
        for key in ("updated_parsed", "published_parsed"):
            stamp = item.get(key)
            if stamp:
                updated = "%04d-%02d-%02dT%02d:%02d:%02dZ" % tuple(stamp[:6])
                break
        entries.append(Entry(urljoin(base_url, link.strip()), updated, item.get("title")))
    if not entries and parsed.get("bozo"):
        raise ValueError(f"not a feed: {parsed.get('bozo_exception')}")
    return entries


def _first_alternate(item: Any) -> str | None:
    """`item`: a feedparser entry (the library has no annotations)."""
    for link in item.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    return None


def parse_sitemap(body: bytes, base_url: str) -> Sitemap:
    """Parse a sitemap or sitemap index without resolving entities or touching the network.

    Streamed: the body is inflated and parsed a slice at a time, each entry dropped from the
    tree once read, and parsing stops at MAX_ENTRIES (`capped` then says so). A million-URL
    sitemap costs what 50,000 entries cost, not a tree of a million elements (bench/
    page_memory.py)."""
    parser = lxml.etree.XMLPullParser(events=("start", "end"), resolve_entities=False,
                                      no_network=True, recover=True, remove_comments=True,
                                      remove_pis=True, huge_tree=False)
    kind: str | None = None
    depth = 0
    entries: list[Entry] = []
    try:
        for chunk in _xml_slices(body):
            parser.feed(chunk)
            for event, element in parser.read_events():
                if event == "start":
                    depth += 1
                    if depth == 1:
                        kind = lxml.etree.QName(element).localname
                        if kind not in ("urlset", "sitemapindex"):
                            raise ValueError(f"not a sitemap: root element is <{kind}>")
                    continue
                depth -= 1
                if depth != 1 or not isinstance(element.tag, str):
                    continue
                if lxml.etree.QName(element).localname in ("url", "sitemap"):
                    _add_entry(entries, element, base_url)
                _forget(element)
                if len(entries) >= MAX_ENTRIES:
                    return Sitemap(kind or "urlset", tuple(entries), capped=True)
        parser.close()
    except lxml.etree.XMLSyntaxError as exc:
        if kind is None:
            raise ValueError(f"not a sitemap: {exc}") from None
    if kind is None:
        raise ValueError("not a sitemap: empty document")
    return Sitemap(kind, tuple(entries))


def _xml_slices(body: bytes, size: int = 1024 * 1024) -> Iterator[bytes]:
    """The document a slice at a time: a `.xml.gz` body inflated as it goes, bounded by
    MAX_DISCOVERY_BYTES in all."""
    if not body.startswith(b"\x1f\x8b"):
        if len(body) > MAX_DISCOVERY_BYTES:
            raise ValueError(f"sitemap is over {MAX_DISCOVERY_BYTES} bytes")
        for start in range(0, len(body), size):
            yield body[start:start + size]
        return
    inflater = zlib.decompressobj(31)
    total = 0
    for start in range(0, len(body), size // 16):
        pending = body[start:start + size // 16]
        while pending:
            out = inflater.decompress(pending, size)
            pending = inflater.unconsumed_tail
            total += len(out)
            if total > MAX_DISCOVERY_BYTES:
                raise ValueError(f"compressed sitemap inflates past {MAX_DISCOVERY_BYTES} bytes")
            if out:
                yield out
            if inflater.eof:
                return


def _add_entry(entries: list[Entry], element: lxml.etree._Element, base_url: str) -> None:
    fields = _fields(element)
    loc = fields.get("loc")
    if loc:
        updated = fields.get("publication_date") or fields.get("lastmod")
        entries.append(Entry(urljoin(base_url, loc), updated, fields.get("title")))


def _forget(element: lxml.etree._Element) -> None:
    """Drop an entry already read, and any siblings before it, from the tree being built."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _fields(element: lxml.etree._Element) -> dict[str, str]:
    """Text of an entry's descendants by local name (news:publication_date included)."""
    found: dict[str, str] = {}
    for child in element.iter():
        if child is element or not isinstance(child.tag, str):
            continue
        text = (child.text or "").strip()
        if text:
            found.setdefault(lxml.etree.QName(child).localname, text)
    return found
