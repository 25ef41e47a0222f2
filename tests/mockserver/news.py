"""The tiny news site's endpoints: a listing, three articles citing notices on the other host,
feeds and sitemaps, robots.txt. Articles switch between :data:`VARIANTS` per test
(``set_variant``): a typographic twin, a one-word edit, a new headline, a broken page, a
takedown, a cut-off body. What they say is in stories.py, how it looks in newspages.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import format_datetime, parsedate_to_datetime

from mockserver import feeds
from mockserver.misbehaving import TRUNCATED_MISSING
from mockserver.newspages import article_page, furniture, js_shell, listing_page, notice_page
from mockserver.replies import Reply, Request, not_found, reply
from mockserver.stories import NOTICES, STORIES, Story, story_variant

ARTICLES = tuple(STORIES)  # served at /articles/<name>


def robots(server, request: Request) -> Reply:
    text = f"User-agent: *\nDisallow: /private/\n\nSitemap: {server.url}/sitemap-index.xml\n"
    return reply(200, text.encode(), b"text/plain; charset=utf-8")


def _stories(server) -> list[tuple[str, Story]]:
    """(url, story as currently served) for every article."""
    return [(f"{server.url}/articles/{name}", story_variant(name, server.variant(name)))
            for name in ARTICLES]


def _furniture(server, counter: int, current: str = ""):
    stories = [(url, story.headline) for url, story in _stories(server)]
    return furniture(counter, stories, current)


def _notice_url(server):
    """Notices live on the peer host, at /statements/<n>."""
    return lambda number: f"{server.peer.url}/statements/{number}"


def listing(server, request: Request) -> Reply:
    return reply(200, listing_page(_stories(server), _furniture(server, 0)))


def article(server, request: Request, name: str) -> Reply:
    if name not in STORIES:
        return not_found("article")
    variant = server.variant(name)
    if variant == "broken":
        return reply(200, js_shell(name))
    if variant == "gone":  # taken down: 404, until a later variant brings it back
        return not_found("article")
    if variant == "truncated":  # v1's page, cut off: Content-Length promises more than comes
        whole = _article_page(server, name, "v1")
        extra = [(b"Content-Length", str(len(whole) + TRUNCATED_MISSING).encode())]
        return reply(200, whole, extra=extra, length=False, close=True)
    return reply(200, _article_page(server, name, variant))


def _article_page(server, name: str, variant: str) -> bytes:
    url = f"{server.url}/articles/{name}"
    # Every variant but the twin wears page 0's furniture; the twin wears page 1's.
    room = _furniture(server, 1 if variant == "twin" else 0, url)
    return article_page(story_variant(name, variant), room, _notice_url(server))


def statement(server, request: Request, number: str) -> Reply:
    """A static notice with validators, answering conditional requests with 304."""
    notice = NOTICES.get(number)
    if notice is None:
        return not_found("statement")
    etag = f'"notice-{number}"'
    validators = [(b"ETag", etag.encode()),
                  (b"Last-Modified", format_datetime(notice.issued, usegmt=True).encode())]
    if not_modified(etag, notice.issued, request.headers):
        return reply(304, b"", extra=validators, length=False)
    return reply(200, notice_page(notice), extra=validators)


def not_modified(etag: str, modified, headers: Mapping[str, str]) -> bool:
    """Whether a conditional GET may be answered 304: If-None-Match decides when it is sent,
    else If-Modified-Since (RFC 9110, 13.2.2); an unreadable date is ignored."""
    tags = headers.get("If-None-Match")
    if tags is not None:
        listed = {tag.strip().removeprefix("W/") for tag in tags.split(",")}
        return "*" in listed or etag in listed
    since = headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    return when.tzinfo is not None and modified <= when


def _listed(server) -> list[tuple[str, Story]]:
    """The stories feeds and sitemaps list: none while the server's feeds are emptied."""
    return [] if server.feeds_empty else _stories(server)


def rss(server, request: Request) -> Reply:
    return reply(200, feeds.rss(server.url, _listed(server)),
                 b"application/rss+xml; charset=utf-8")


def atom(server, request: Request) -> Reply:
    return reply(200, feeds.atom(server.url, _listed(server)),
                 b"application/atom+xml; charset=utf-8")


def sitemap(server, request: Request) -> Reply:
    return reply(200, feeds.news_sitemap(_listed(server)), b"application/xml")


def sitemap_index(server, request: Request) -> Reply:
    updated = feeds.newest(_stories(server))
    return reply(200, feeds.sitemap_index([f"{server.url}/sitemap.xml"], updated),
                 b"application/xml")
