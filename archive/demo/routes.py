"""What the demo newspaper and ministry answer for each path, in each state; no sockets here.

:func:`newspaper_reply` and :func:`ministry_reply` map a request path to a :class:`Reply`.
The newspaper is dynamic: its pages carry the rotating furniture of the request counter and no
validators. The ministry is static per state: its replies carry a strong ETag (a digest of the
body) and a Last-Modified from the content, which the HTTP layer uses to answer 304.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from archive.demo import assets, content, feeds, pages
from archive.demo.chrome import Chrome, Teaser, chrome_for
from archive.demo.content import Article

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

_FEEDS = ("/feed.xml", "/atom.xml", "/sitemap.xml")


@dataclass(frozen=True)
class Reply:
    """A response before HTTP framing: status, body, type and the validators a static page has."""

    status: int
    body: bytes
    content_type: str = HTML
    etag: str | None = None
    last_modified: datetime | None = None


@dataclass(frozen=True)
class Hosts:
    """Where the two demo servers are, for building absolute links between them."""

    newspaper_url: str
    ministry_url: str

    def article_url(self, key: str) -> str:
        """The absolute URL of article `key`."""
        return self.newspaper_url + content.article_paths()[key]

    def statement_url(self, key: str) -> str:
        """The absolute URL of ministry statement `key`."""
        return self.ministry_url + content.statement_paths()[key]

    def href(self, ref: str) -> str:
        """Resolve an inline link ref from the content files to a URL."""
        kind, _, key = ref.partition(":")
        if kind == "statement":
            return self.statement_url(key)
        return ref  # an absolute URL to somewhere else, such as example.org


def newspaper_reply(state: int, counter: int, path: str, hosts: Hosts) -> Reply:
    """The newspaper's answer to GET `path` in `state`, as the `counter`-th request it serves."""
    live = content.articles(state)
    stories = [Teaser(hosts.article_url(k), a.headline) for k, a in live.items()]
    plate = content.boilerplate()

    def chrome(current_url: str | None = None) -> Chrome:
        return chrome_for(counter, stories, current_url)

    static = assets.static_file(path)
    if static is not None:  # the same bytes since the site's deploy: validators, cacheable
        return _static(static[0], static[1], min(plate.state_dates.values()))
    if path == "/robots.txt":
        robots = f"User-agent: *\nDisallow: /search\n\nSitemap: {hosts.newspaper_url}/sitemap.xml\n"
        return Reply(200, robots.encode(), TEXT)
    if path == "/":
        return _html(pages.listing_page("Latest news", _newest(live, hosts), chrome()))
    section = next((s for s in plate.sections if path == f"/{s.key}/"), None)
    if section is not None:
        in_section = {k: a for k, a in live.items() if a.section == section.key}
        return _html(pages.listing_page(section.title, _newest(in_section, hosts), chrome()))
    for key, article in live.items():
        if path == article.path:
            url = hosts.article_url(key)
            return _html(pages.article_page(article, chrome(url), hosts.href))
    if path in _FEEDS:
        return _feed_reply(path, state, live, hosts)
    if path == "/about/":
        about = pages.info_page(f"About {plate.paper['name']}", plate.paper["about"], chrome())
        return _html(about)
    promotion = next((p for p in plate.promotions if path == f"/promoted/{p.slug}"), None)
    if promotion is not None:
        text = (f"Sponsored content from {promotion.sponsor}. Courier journalists took no part.",)
        return _html(pages.info_page(promotion.title, text, chrome()))
    # Taken-down articles land here too: a real CMS answers them like any unknown page.
    missing = ("Sorry, we could not find that page. It may have been moved or removed.",)
    return _html(pages.info_page("Page not found", missing, chrome()), status=404)


def ministry_reply(state: int, path: str, hosts: Hosts) -> Reply:
    """The ministry's answer to GET `path` in `state`; every 200 carries validators."""
    statements = content.statements(state)
    if path == "/robots.txt":
        first = min(s.issued for s in statements.values())
        return _static(b"User-agent: *\nDisallow: /internal/\n", TEXT, first)
    if path == "/en/news/":
        newest = sorted(statements.values(), key=lambda s: s.issued, reverse=True)
        listed = [(hosts.ministry_url + s.path, s) for s in newest]
        # The listing shows titles and issue dates only, so it changes when a statement is added.
        return _static(pages.statement_listing_page(listed).encode(), HTML, newest[0].issued)
    for statement in statements.values():
        if path == statement.path:
            return _static(pages.statement_page(statement).encode(), HTML, statement.modified)
    return Reply(404, b"<!DOCTYPE html>\n<title>Not found</title>\n<h1>Page not found</h1>\n")


def _feed_reply(path: str, state: int, live: dict[str, Article], hosts: Hosts) -> Reply:
    """The RSS feed, Atom feed or news sitemap of the articles live in `state`."""
    plate = content.boilerplate()
    channel = feeds.Channel(
        title=plate.paper["name"],
        site_url=hosts.newspaper_url,
        description=plate.paper["tagline"],
        language=plate.paper["language"],
    )
    entries = [
        feeds.FeedEntry(
            url=hosts.article_url(key),
            title=a.headline,
            summary=content.plain_text(a.standfirst),
            author=a.byline,
            published=a.published,
            modified=a.modified,
        )
        for key, a in live.items()
    ]
    if path == "/feed.xml":
        return Reply(200, feeds.rss(channel, entries, plate.state_dates[state]), RSS)
    if path == "/atom.xml":
        feed_url = hosts.newspaper_url + path
        return Reply(200, feeds.atom(channel, feed_url, entries, plate.state_dates[state]), ATOM)
    return Reply(200, feeds.news_sitemap(channel, entries), XML)


def _newest(articles: dict[str, Article], hosts: Hosts) -> list[tuple[str, Article]]:
    """(url, article) pairs, newest first, as listings show them."""
    ordered = sorted(articles.items(), key=lambda item: item[1].published, reverse=True)
    return [(hosts.article_url(key), article) for key, article in ordered]


def _html(document: str, status: int = 200) -> Reply:
    return Reply(status, document.encode("utf-8"))


def _static(body: bytes, content_type: str, modified: datetime) -> Reply:
    """A reply with a strong ETag: the same bytes always get the same tag, other bytes another."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
    return Reply(200, body, content_type, etag=etag, last_modified=modified)

