"""Find article URLs in feeds (RSS, Atom) and sitemaps (plain, index and Google News).

Each entry carries the date the publisher gave it (`updated`, `lastmod`, or a news
publication date), which scheduling uses to pull an article forward.
"""

from __future__ import annotations

import logging
import zlib
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


def maybe_gunzip(body: bytes, limit: int = MAX_DISCOVERY_BYTES) -> bytes:
    """Inflate a `.xml.gz` body (bounded); other bodies are returned as they are."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(31)
    out = inflater.decompress(body, limit + 1)
    if len(out) > limit:
        raise ValueError(f"compressed sitemap inflates past {limit} bytes")
    return out


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
    """Parse a sitemap or sitemap index without resolving entities or touching the network."""
    xml = maybe_gunzip(body)
    if len(xml) > MAX_DISCOVERY_BYTES:
        raise ValueError(f"sitemap is over {MAX_DISCOVERY_BYTES} bytes")
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True,
                                  remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(xml, parser=parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise ValueError(f"not a sitemap: {exc}") from None
    if root is None:
        raise ValueError("not a sitemap: empty document")
    kind = lxml.etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap: root element is <{kind}>")
    entries = []
    for element in root:
        if not isinstance(element.tag, str):
            continue
        if lxml.etree.QName(element).localname not in ("url", "sitemap"):
            continue
        fields = _fields(element)
        loc = fields.get("loc")
        if loc:
            updated = fields.get("publication_date") or fields.get("lastmod")
            entries.append(Entry(urljoin(base_url, loc), updated, fields.get("title")))
        if len(entries) >= MAX_ENTRIES:
            break
    return Sitemap(kind, tuple(entries))


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
