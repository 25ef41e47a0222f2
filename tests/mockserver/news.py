"""The tiny news site: a listing, three articles citing statements on the other host, feeds
and sitemaps, robots.txt. Articles switch between :data:`VARIANTS` per test (``set_variant``):
a typographic twin, a one-word edit, a new headline, a broken page, a takedown, a cut-off body.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from email.utils import format_datetime

from mockserver.misbehaving import TRUNCATED_MISSING
from mockserver.replies import Reply, Request, not_found, reply

from archive.demo import content, feeds, pages
from archive.demo.chrome import Teaser, chrome_for
from archive.demo.negotiate import is_not_modified

# /articles/<name> serves the text of a demo article; /statements/<n> a demo ministry statement.
ARTICLES = {"flood-count": "A", "dam-review": "B", "winter-warning": "E"}
STATEMENTS = {"1": "S1", "2": "S2", "3": "S3"}
VARIANTS = ("v1", "twin", "edit", "headline", "broken", "gone", "truncated")
# The "edit" variant changes exactly one word of the body; "headline" changes only the h1.
ONE_WORD_EDITS = {
    "flood-count": ("double", "triple"),
    "dam-review": ("January", "March"),
    "winter-warning": ("Friday", "Thursday"),
}
HEADLINE_EDITS = {
    "flood-count": "Ministry's first full count puts flood injuries at 1,412",
    "dam-review": "Cracked spillway prompts independent review of the Saldo dam",
    "winter-warning": "Thousands face a cold winter in the Dravna basin, aid groups say",
}


def article_variant(name: str, variant: str) -> content.Article:
    """The article /articles/`name` shows as `variant` ("broken" shows none: this is "v1")."""
    article = content.articles(1)[ARTICLES[name]]
    if variant == "twin":
        return _typographic_twin(article)
    if variant == "edit":
        return content.replace_text(article, *ONE_WORD_EDITS[name])
    if variant == "headline":
        return replace(article, headline=HEADLINE_EDITS[name])
    return article


def _typographic_twin(article: content.Article) -> content.Article:
    """The same words typed differently: curly quotes, no-break spaces, extra line breaks."""

    def retype(text: str, index: int) -> str:
        text = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", text).replace("'", "\u2019")
        return text.replace(" ", "\u00a0") if index % 2 else text.replace(". ", ".\n        ")

    return replace(
        article,
        standfirst=retype(article.standfirst, 0),
        paragraphs=tuple(retype(p, i) for i, p in enumerate(article.paragraphs)),
    )


def js_shell(name: str) -> bytes:
    """The "broken" article: a JavaScript application shell with no text to extract."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title></title>\n'
        f'<script src="/static/js/reader.js?article={name}" defer></script></head>\n'
        '<body><div id="app"></div></body></html>\n'
    ).encode()


def robots(server, request: Request) -> Reply:
    text = f"User-agent: *\nDisallow: /private/\n\nSitemap: {server.url}/sitemap-index.xml\n"
    return reply(200, text.encode(), b"text/plain; charset=utf-8")


def _stories(server) -> list[tuple[str, content.Article]]:
    """(url, article as currently served) for every mock article."""
    return [
        (f"{server.url}/articles/{name}", article_variant(name, server.variant(name)))
        for name in ARTICLES
    ]


def _teasers(server) -> list[Teaser]:
    return [Teaser(url, article.headline) for url, article in _stories(server)]


def _href(server) -> Callable[[str], str]:
    """Resolves the content's links: statements live on the peer host at /statements/<n>."""
    numbers = {key: number for number, key in STATEMENTS.items()}

    def href(ref: str) -> str:
        kind, _, key = ref.partition(":")
        return f"{server.peer.url}/statements/{numbers[key]}" if kind == "statement" else ref

    return href


def listing(server, request: Request) -> Reply:
    page = pages.listing_page("Latest news", _stories(server), chrome_for(0, _teasers(server)))
    return reply(200, page.encode())


def article(server, request: Request, name: str) -> Reply:
    if name not in ARTICLES:
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
    # Every variant but the twin wears request 0's furniture; the twin wears request 1's.
    chrome = chrome_for(1 if variant == "twin" else 0, _teasers(server), url)
    return pages.article_page(article_variant(name, variant), chrome, _href(server)).encode()


def statement(server, request: Request, number: str) -> Reply:
    """A static source page with validators, answering conditional requests with 304."""
    if number not in STATEMENTS:
        return not_found("statement")
    statement = content.statements(1)[STATEMENTS[number]]
    etag = f'"statement-{number}"'
    modified = format_datetime(statement.modified, usegmt=True)
    validators = [(b"ETag", etag.encode()), (b"Last-Modified", modified.encode())]
    if is_not_modified(etag, statement.modified, request.headers):
        return reply(304, b"", extra=validators, length=False)
    return reply(200, pages.statement_page(statement).encode(), extra=validators)


def _channel_and_entries(server) -> tuple[feeds.Channel, list[feeds.FeedEntry]]:
    paper = content.boilerplate().paper
    channel = feeds.Channel(paper["name"], server.url, paper["tagline"], paper["language"])
    entries = [
        feeds.FeedEntry(
            url, a.headline, content.plain_text(a.standfirst), a.byline, a.published, a.modified
        )
        for url, a in _stories(server)
    ]
    return channel, entries


def rss(server, request: Request) -> Reply:
    channel, entries = _channel_and_entries(server)
    body = feeds.rss(channel, entries, max(e.modified for e in entries))
    return reply(200, body, b"application/rss+xml; charset=utf-8")


def atom(server, request: Request) -> Reply:
    channel, entries = _channel_and_entries(server)
    body = feeds.atom(channel, f"{server.url}/atom.xml", entries, max(e.modified for e in entries))
    return reply(200, body, b"application/atom+xml; charset=utf-8")


def sitemap(server, request: Request) -> Reply:
    channel, entries = _channel_and_entries(server)
    return reply(200, feeds.news_sitemap(channel, entries), b"application/xml")


def sitemap_index(server, request: Request) -> Reply:
    _, entries = _channel_and_entries(server)
    newest = max(e.modified for e in entries)
    body = feeds.sitemap_index([f"{server.url}/sitemap.xml"], newest)
    return reply(200, body, b"application/xml")


