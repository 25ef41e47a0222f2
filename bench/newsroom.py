"""A generated newspaper for the throughput benchmark, and a fast loopback server for it.

Page ``i`` is built from a seeded RNG, so the server and the benchmark's extraction-only run
produce the very same bytes without storing thousands of pages. The pages are the size and
shape of real news pages: a head full of meta tags, inline CSS, JSON-LD and script bundles, a
navigation bar, the article (headline, standfirst, byline, 6-60 paragraphs), "related" and
"promoted" blocks, and a footer of links. Sizes run from about 30 KB to about 300 KB, most of
the weight in scripts and markup, as on real sites.

The server is deliberately cheap (asyncio, keep-alive, no compression): the benchmark measures
the crawler, and on a 2-core machine every cycle the server spends is taken from the crawl. It
answers ``If-None-Match`` with 304 unless started with ``etags=False``.

    python bench/newsroom.py --port 8600 --pages 1000     # serve it by hand
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import string
from functools import lru_cache

from archive.demo.negotiate import is_not_modified

_SYLLABLES = ("ka", "ren", "to", "mi", "sal", "ve", "dor", "lin", "ast", "po", "qui", "bre",
              "ul", "nes", "tar", "go", "ham", "ri", "sel", "wo", "en", "da", "lum", "fi")
_PLACES = ("Velsk", "Orran", "Tessaly Ford", "Marrow Bay", "Kelst", "the Upper Dun valley")
_BEATS = ("politics", "world", "business", "climate", "health", "science", "culture", "sport")


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[str, ...]:
    rng = random.Random(7)
    words = {"".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4)))
             for _ in range(6000)}
    common = ("the", "of", "and", "to", "in", "a", "said", "was", "on", "for", "that", "with")
    return tuple(sorted(words)) + common * 40


@lru_cache(maxsize=1)
def _paragraph_pool() -> tuple[str, ...]:
    """A few thousand prose paragraphs; each page picks its own sequence of them."""
    rng = random.Random(11)
    vocab = _vocabulary()
    pool = []
    for n in range(3000):
        sentences = []
        for _ in range(rng.randint(2, 6)):
            words = [rng.choice(vocab) for _ in range(rng.randint(8, 26))]
            if rng.random() < 0.3:
                words.insert(rng.randint(0, len(words)), f"{rng.randint(2, 9800):,}")
            if rng.random() < 0.2:
                words.insert(rng.randint(0, len(words)), rng.choice(_PLACES))
            sentences.append(" ".join(words).capitalize() + ".")
        pool.append(" ".join(sentences) + f" ({n})")
    return tuple(pool)


@lru_cache(maxsize=1)
def _script_pool() -> tuple[str, ...]:
    """Minified-looking script bundles: what makes real news pages heavy."""
    rng = random.Random(13)
    letters = string.ascii_letters + string.digits
    bundles = []
    for _ in range(40):
        parts = []
        for _ in range(rng.randint(200, 900)):
            name = "".join(rng.choice(letters) for _ in range(rng.randint(1, 3)))
            parts.append(f"function {name}(e,t){{return e&&t?e[{rng.randint(0, 99)}]+t:"
                         f"\"{''.join(rng.choice(letters) for _ in range(12))}\"}}")
        bundles.append(";".join(parts))
    return tuple(bundles)


_ICON = ('<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">'
         '<path d="M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18c-4.41 '
         '0-8-3.59-8-8s3.59-8 8-8 8 3.59 8 8-3.59 8-8 8z"></path></svg>')


def _words(rng: random.Random, count: int) -> str:
    vocab = _vocabulary()
    return " ".join(rng.choice(vocab) for _ in range(count))


@lru_cache(maxsize=None)
def _nav(variant: int, sections: int) -> str:
    """One of a few mega-menus (sites reuse theirs on every page): sections of sub-links."""
    rng = random.Random(variant * 31 + sections)
    groups = []
    for n in range(sections):
        links = "".join(f'<li class="menu__sub-item"><a class="menu__link" '
                        f'href="/section/{n}/{rng.randrange(999)}" data-track="nav">'
                        f'<span class="menu__label">{_words(rng, 2).title()}</span></a></li>'
                        for _ in range(rng.randint(3, 8)))
        groups.append(f'<li class="menu__item"><div class="menu__heading"><a href="/section/{n}">'
                      f'{_words(rng, 1).title()}</a><button class="menu__toggle" '
                      f'aria-expanded="false">{_ICON}</button></div>'
                      f'<ul class="menu__sub">{links}</ul></li>')
    return (f'<nav class="site-nav" aria-label="Sections"><div class="site-nav__inner">'
            f'<ul class="menu">{"".join(groups)}</ul></div></nav>')


@lru_cache(maxsize=None)
def _teasers(variant: int, heading: str, count: int, pages: int) -> str:
    """One of a few hundred teaser rails (they rotate from page to page on real sites)."""
    rng = random.Random(variant * 17 + count)
    cards = "".join(
        f'<li class="card card--{n % 3}"><div class="card__inner"><a class="card__link" '
        f'href="/news/{rng.randrange(pages)}" data-track="rail-{n}"><div class="card__media">'
        f'<picture><source srcset="/img/{n}.webp 1x, /img/{n}@2x.webp 2x" type="image/webp">'
        f'<img src="/img/{n}.jpg" alt="" width="320" height="180" loading="lazy"></picture>'
        f'</div><div class="card__body"><span class="card__kicker">{_words(rng, 1).title()}'
        f'</span><h3 class="card__title">{_words(rng, 8).capitalize()}</h3></div></a>'
        f'<div class="card__meta"><span class="card__time">{rng.randint(1, 23)}h ago</span>'
        f'{_ICON}</div></div></li>'
        for n in range(count))
    return (f'<aside class="rail"><div class="rail__header"><h2 class="rail__title">{heading}'
            f'</h2></div><ul class="rail__cards">{cards}</ul></aside>')


@lru_cache(maxsize=None)
def _share_bar(variant: int) -> str:
    buttons = "".join(f'<li class="share__item"><a class="share__link share__link--{name}" '
                      f'href="https://{name}.example/share?u={variant}" rel="noopener" '
                      f'data-track="share">{_ICON}<span class="visually-hidden">Share on {name}'
                      "</span></a></li>"
                      for name in ("facebook", "x", "whatsapp", "linkedin", "email", "copy"))
    return f'<div class="share"><ul class="share__list">{buttons}</ul></div>'


def _ad_slot(n: int) -> str:
    return (f'<div class="ad-slot ad-slot--inline" data-ad-unit="article/inline-{n}">'
            f'<div class="ad-slot__inner"><div id="ad-inline-{n}" class="ad" '
            'data-sizes="300x250,728x90"></div><span class="ad-slot__label">Advertisement'
            "</span></div></div>")


def page_html(index: int, pages: int) -> bytes:
    """Article ``index`` of a site of ``pages`` articles, as the server sends it."""
    rng = random.Random(index * 7919 + 1)
    pool = _paragraph_pool()
    beat = rng.choice(_BEATS)
    headline = f"{rng.choice(_PLACES)} {_words(rng, 8)}"
    standfirst = _words(rng, 24).capitalize() + "."
    day = 1 + index % 28
    blocks = []
    for n in range(rng.randint(5, 50)):
        blocks.append(f'<div class="article-body__block" data-block="{n}">'
                      f'<p class="article-body__paragraph">{rng.choice(pool)}</p></div>')
        if n % 4 == 3:
            blocks.append(_ad_slot(n))
    # Shape as on real pages (calibrated in bench/throughput.py): the number of elements varies
    # with the menus and rails (median about 700, a long tail past 1,700), and CMS wrappers
    # nest the article 15-25 elements deep.
    sections, footer_sections = rng.randint(1, 10), rng.randint(0, 6)
    cards = [rng.choice((0, 0, 3, 4, 6, 8, 10, 12, 45)) for _ in range(3)]
    wrappers = rng.choice((1, 2, 3, 3, 4, 4, 5, 6, 8, 11))
    opened = "".join(f'<div class="wrap wrap--{n}">' for n in range(wrappers))
    closed = "</div>" * wrappers
    scripts = "".join(f"<script>{rng.choice(_script_pool())}</script>"
                      for _ in range(rng.choice((0, 1, 1, 1, 2, 3))))
    css = ".a{margin:0}" * rng.randint(100, 400)
    ld = (f'{{"@context":"https://schema.org","@type":"NewsArticle","headline":"{headline}",'
          f'"datePublished":"2026-11-{day:02d}T08:00:00Z","author":{{"@type":"Person",'
          f'"name":"Ila Moren"}}}}')
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{headline} | The Kelst Courier</title>"
        f'<meta name="description" content="{standfirst}">'
        f'<meta property="og:title" content="{headline}">'
        f'<meta property="article:published_time" content="2026-11-{day:02d}T08:00:00Z">'
        f'<meta name="viewport" content="width=device-width"><style>{css}</style>'
        f'<script type="application/ld+json">{ld}</script>{scripts}</head><body>'
        '<a class="skip-link" href="#main">Skip to content</a>'
        f'<header class="masthead"><div class="masthead__inner"><a class="masthead__logo" '
        f'href="/">{_ICON}The Kelst Courier</a></div>{_nav(rng.randrange(8), sections)}</header>'
        '<div class="consent" role="dialog"><div class="consent__body">We use cookies to '
        "improve your experience.</div><button>Accept</button></div>"
        f'<main id="main">{opened}<div class="layout"><div class="layout__main">'
        f'<article class="story story--{beat}"><header class="story__header">'
        f'<div class="story__kicker"><a href="/section/{beat}">{beat.title()}</a></div>'
        f'<h1 class="story__headline">{headline}</h1>'
        f'<p class="story__standfirst">{standfirst}</p>'
        '<div class="byline"><div class="byline__author">By <a rel="author" '
        'href="/people/ila-moren">Ila Moren</a></div><div class="byline__date">'
        f'<time datetime="2026-11-{day:02d}T08:00:00Z">November {day}, 2026</time></div></div>'
        f"{_share_bar(rng.randrange(50))}</header>"
        f'<figure class="story__figure"><picture><source srcset="/img/lead-{index}.webp" '
        f'type="image/webp"><img src="/img/lead-{index}.jpg" alt="" width="1200" height="675">'
        "</picture><figcaption>Photograph: Courier staff</figcaption></figure>"
        f'<div class="story__body article-body">{"".join(blocks)}</div>'
        f"<footer class=\"story__footer\">{_share_bar(rng.randrange(50))}</footer></article>"
        f'{_teasers(rng.randrange(200), "More from The Courier", cards[0], pages)}</div>'
        f'<div class="layout__rail">{_teasers(rng.randrange(200), "Most read", cards[1], pages)}'
        f'{_ad_slot(99)}</div></div>{closed}'
        f'{_teasers(rng.randrange(200), "PROMOTED STORIES", cards[2], pages)}</main>'
        f'<footer class="site-footer">{_nav(rng.randrange(8), footer_sections)}'
        "<p>&copy; 2026 The Kelst Courier</p></footer></body></html>"
    )
    return html.encode("utf-8")


def sitemap_xml(first: int, last: int) -> bytes:
    urls = "".join(f"<url><loc>http://{{host}}/news/{i}</loc></url>" for i in range(first, last))
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            ).encode()


SITEMAP_CHUNK = 1000


def sitemap_index_xml(pages: int) -> bytes:
    maps = "".join(f"<sitemap><loc>http://{{host}}/sitemap-{n}.xml</loc></sitemap>"
                   for n in range((pages + SITEMAP_CHUNK - 1) // SITEMAP_CHUNK))
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}'
            "</sitemapindex>").encode()


class NewsroomServer:
    """HTTP/1.1 with keep-alive over asyncio streams; GET only; bodies built on request."""

    def __init__(self, pages: int, etags: bool = True) -> None:
        self.pages = pages
        self.etags = etags
        self.host = ""

    def route(self, path: str) -> tuple[int, str, bytes]:
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nAllow: /\n"
        if path == "/sitemap.xml":
            return 200, "application/xml", self._hosted(sitemap_index_xml(self.pages))
        if path.startswith("/sitemap-") and path.endswith(".xml"):
            n = int(path[9:-4])
            last = min(self.pages, (n + 1) * SITEMAP_CHUNK)
            return 200, "application/xml", self._hosted(sitemap_xml(n * SITEMAP_CHUNK, last))
        if path.startswith("/news/") and path[6:].isdigit() and int(path[6:]) < self.pages:
            return 200, "text/html; charset=utf-8", page_html(int(path[6:]), self.pages)
        return 404, "text/plain", b"not found\n"

    def _hosted(self, body: bytes) -> bytes:
        return body.replace(b"{host}", self.host.encode())

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {k.strip().lower(): v.strip() for k, _, v in
                           (line.partition(":") for line in lines[1:] if line)}
                status, kind, body = self.route(path)
                etag = f'"{hashlib.md5(body).hexdigest()}"'
                if self.etags and status == 200 and is_not_modified(etag, None, headers):
                    status, body = 304, b""
                reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
                extra = f"ETag: {etag}\r\n" if self.etags else ""
                writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\n"
                             f"Content-Length: {len(body)}\r\n{extra}"
                             "Cache-Control: max-age=60\r\n\r\n".encode() + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def serve(host: str, port: int, pages: int, etags: bool = True, ready=None) -> None:
    """Serve until killed; `ready` (a multiprocessing Event) is set once listening."""
    server = NewsroomServer(pages, etags)
    server.host = f"{host}:{port}"

    async def main() -> None:
        listener = await asyncio.start_server(server.handle, host, port, backlog=256)
        if ready is not None:
            ready.set()
        async with listener:
            await listener.serve_forever()

    asyncio.run(main())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--no-etags", action="store_true")
    args = parser.parse_args()
    serve(args.host, args.port, args.pages, etags=not args.no_etags)
