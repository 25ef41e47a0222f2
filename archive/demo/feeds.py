"""XML for the demo newspaper: RSS 2.0, Atom, a Google News sitemap and a sitemap index.

Each function takes ready-made :class:`FeedEntry` values (absolute URLs, plain-text titles) and
returns UTF-8 bytes. Everything is escaped; nothing here knows which server is running.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from html import escape

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


@dataclass(frozen=True)
class FeedEntry:
    """One article as feeds and sitemaps list it."""

    url: str
    title: str
    summary: str
    author: str
    published: datetime
    modified: datetime


@dataclass(frozen=True)
class Channel:
    """The publication a feed belongs to."""

    title: str
    site_url: str
    description: str
    language: str


def rss(channel: Channel, entries: Sequence[FeedEntry], built: datetime) -> bytes:
    """An RSS 2.0 feed, newest entry first: a pubDate per item, the channel's lastBuildDate."""
    items = "".join(
        f"""
    <item>
      <title>{escape(e.title)}</title>
      <link>{escape(e.url)}</link>
      <guid isPermaLink="true">{escape(e.url)}</guid>
      <description>{escape(e.summary)}</description>
      <dc:creator>{escape(e.author)}</dc:creator>
      <pubDate>{format_datetime(e.published, usegmt=True)}</pubDate>
    </item>"""
        for e in _newest_first(entries)
    )
    return (
        XML_DECLARATION
        + f"""<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{escape(channel.title)}</title>
    <link>{escape(channel.site_url)}/</link>
    <description>{escape(channel.description)}</description>
    <language>{escape(channel.language)}</language>
    <lastBuildDate>{format_datetime(built, usegmt=True)}</lastBuildDate>{items}
  </channel>
</rss>
"""
    ).encode("utf-8")


def atom(channel: Channel, feed_url: str, entries: Sequence[FeedEntry], updated: datetime) -> bytes:
    """An Atom 1.0 feed, newest entry first."""
    items = "".join(
        f"""
  <entry>
    <id>{escape(e.url)}</id>
    <title>{escape(e.title)}</title>
    <link rel="alternate" type="text/html" href="{escape(e.url)}"/>
    <author><name>{escape(e.author)}</name></author>
    <published>{_w3c(e.published)}</published>
    <updated>{_w3c(e.modified)}</updated>
    <summary>{escape(e.summary)}</summary>
  </entry>"""
        for e in _newest_first(entries)
    )
    return (
        XML_DECLARATION
        + f"""<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{escape(channel.language)}">
  <id>{escape(channel.site_url)}/</id>
  <title>{escape(channel.title)}</title>
  <subtitle>{escape(channel.description)}</subtitle>
  <link rel="self" type="application/atom+xml" href="{escape(feed_url)}"/>
  <link rel="alternate" type="text/html" href="{escape(channel.site_url)}/"/>
  <updated>{_w3c(updated)}</updated>{items}
</feed>
"""
    ).encode("utf-8")


def news_sitemap(channel: Channel, entries: Sequence[FeedEntry]) -> bytes:
    """A Google News sitemap: loc, lastmod and news:publication_date for each article."""
    urls = "".join(
        f"""
  <url>
    <loc>{escape(e.url)}</loc>
    <lastmod>{_w3c(e.modified)}</lastmod>
    <news:news>
      <news:publication>
        <news:name>{escape(channel.title)}</news:name>
        <news:language>{escape(channel.language)}</news:language>
      </news:publication>
      <news:publication_date>{_w3c(e.published)}</news:publication_date>
      <news:title>{escape(e.title)}</news:title>
    </news:news>
  </url>"""
        for e in _newest_first(entries)
    )
    return (
        XML_DECLARATION
        + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        + f' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}\n</urlset>\n'
    ).encode("utf-8")


def sitemap_index(sitemap_urls: Sequence[str], lastmod: datetime) -> bytes:
    """A sitemap index pointing at other sitemaps."""
    sitemaps = "".join(
        f"\n  <sitemap>\n    <loc>{escape(url)}</loc>\n    <lastmod>{_w3c(lastmod)}</lastmod>\n"
        "  </sitemap>"
        for url in sitemap_urls
    )
    return (
        XML_DECLARATION
        + f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{sitemaps}\n'
        + "</sitemapindex>\n"
    ).encode("utf-8")


def _newest_first(entries: Sequence[FeedEntry]) -> list[FeedEntry]:
    return sorted(entries, key=lambda e: e.published, reverse=True)


def _w3c(moment: datetime) -> str:
    """W3C datetime (RFC 3339) in UTC, as sitemaps and Atom expect."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
