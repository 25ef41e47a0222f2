"""The mock news site's XML: an RSS 2.0 feed, an Atom feed, a news sitemap and a sitemap index.

Each takes (url, story) pairs with absolute URLs and returns UTF-8 bytes; every value is
escaped as XML text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from mockserver.stories import Story, plain

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
TITLE, DESCRIPTION, LANGUAGE = "The Wend Valley Echo", "News from the Wend valley", "en-gb"

Stories = Sequence[tuple[str, Story]]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def newest(stories: Stories) -> datetime:
    return max(story.published for _, story in stories)


def rss(site: str, stories: Stories) -> bytes:
    """RSS 2.0: one item per story, newest first, and the channel's lastBuildDate."""
    items = "".join(f"""
    <item>
      <title>{escape(story.headline)}</title>
      <link>{escape(url)}</link>
      <guid isPermaLink="true">{escape(url)}</guid>
      <description>{escape(plain(story.standfirst))}</description>
      <pubDate>{format_datetime(story.published, usegmt=True)}</pubDate>
    </item>""" for url, story in _newest_first(stories))
    return (DECLARATION + f"""<rss version="2.0">
  <channel>
    <title>{escape(TITLE)}</title>
    <link>{escape(site)}/</link>
    <description>{escape(DESCRIPTION)}</description>
    <language>{LANGUAGE}</language>
    <lastBuildDate>{format_datetime(newest(stories), usegmt=True)}</lastBuildDate>{items}
  </channel>
</rss>
""").encode()


def atom(site: str, stories: Stories) -> bytes:
    """Atom 1.0: an entry per story whose id is its URL."""
    entries = "".join(f"""
  <entry>
    <id>{escape(url)}</id>
    <title>{escape(story.headline)}</title>
    <link rel="alternate" href={quoteattr(url)}/>
    <published>{_iso(story.published)}</published>
    <updated>{_iso(story.published)}</updated>
    <author><name>{escape(story.byline)}</name></author>
    <summary>{escape(plain(story.standfirst))}</summary>
  </entry>""" for url, story in _newest_first(stories))
    return (DECLARATION + f"""<feed xmlns="http://www.w3.org/2005/Atom">
  <id>{escape(site)}/</id>
  <title>{escape(TITLE)}</title>
  <link rel="self" href={quoteattr(site + "/atom.xml")}/>
  <updated>{_iso(newest(stories))}</updated>{entries}
</feed>
""").encode()


def news_sitemap(stories: Stories) -> bytes:
    """A news sitemap: each story's loc, publication and title."""
    urls = "".join(f"""
  <url>
    <loc>{escape(url)}</loc>
    <news:news>
      <news:publication><news:name>{escape(TITLE)}</news:name>
        <news:language>{LANGUAGE}</news:language></news:publication>
      <news:publication_date>{_iso(story.published)}</news:publication_date>
      <news:title>{escape(story.headline)}</news:title>
    </news:news>
  </url>""" for url, story in stories)
    return (DECLARATION + f"""<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">{urls}
</urlset>
""").encode()


def sitemap_index(sitemaps: Sequence[str], updated: datetime) -> bytes:
    """A sitemap index listing `sitemaps`, each last modified at `updated`."""
    entries = "".join(f"""
  <sitemap><loc>{escape(url)}</loc><lastmod>{_iso(updated)}</lastmod></sitemap>"""
                      for url in sitemaps)
    return (DECLARATION + f"""<sitemapindex xmlns="{SITEMAP_NS}">{entries}
</sitemapindex>
""").encode()


def _newest_first(stories: Stories) -> list[tuple[str, Story]]:
    return sorted(stories, key=lambda pair: pair[1].published, reverse=True)
