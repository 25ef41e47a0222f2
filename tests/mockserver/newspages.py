"""HTML of the mock news site: the Echo's pages in their rotating furniture, and the water
board's plain notices. Every piece of text is escaped on its way into the markup.

Real news pages differ byte for byte between two fetches (a ticking "Updated" line, a fresh
CSRF token and script nonce, cache-busting asset versions, rails that pick other stories). The
furniture here is drawn from a page counter, so page n always looks the same: the typographic
twin wears page 1's furniture, every other variant page 0's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from mockserver.stories import Notice, Story, pieces, plain

PAPER = "The Wend Valley Echo"
BOARD = "Wend Valley Water Board"
PROMOTED = (("riverside-lofts", "Riverside lofts: views of the Wend from 900 a month"),
            ("boiler-cover", "Is your boiler ready for winter? Compare cover plans"),
            ("estuary-cruises", "Seal-spotting cruises on the estuary, every weekend"))

NoticeUrl = Callable[[str], str]
"""Gives the URL of water-board notice N (it lives on the other host)."""


@dataclass(frozen=True)
class Furniture:
    """Everything on a newspaper page that changes from one fetch to the next."""

    minutes_ago: int
    csrf_token: str
    nonce: str
    asset_version: str
    more: tuple[tuple[str, str], ...]  # (url, headline) of the other stories
    promoted: tuple[tuple[str, str], ...]  # (slug, title) of sponsored links


def furniture(counter: int, stories: Sequence[tuple[str, str]], current: str = "") -> Furniture:
    """The furniture of page `counter`; `stories` are (url, headline), `current` is this page's
    URL (left out of the "More from the Echo" rail)."""
    others = [story for story in stories if story[0] != current]
    shift = counter % max(len(others), 1)
    return Furniture(
        minutes_ago=3 + (counter * 11) % 50,
        csrf_token=_token("csrf", counter, 32),
        nonce=_token("nonce", counter, 24),
        asset_version=_token("assets", counter, 10),
        more=tuple(others[shift:] + others[:shift]),
        promoted=PROMOTED[counter % len(PROMOTED):] + PROMOTED[:counter % len(PROMOTED)],
    )


def _token(purpose: str, counter: int, length: int) -> str:
    """A token that looks random but is the same for the same (purpose, counter)."""
    return hashlib.sha256(f"wend-echo/{purpose}/{counter}".encode()).hexdigest()[:length]


def _cited(text: str, notice_url: NoticeUrl) -> str:
    """`text` as HTML, each citation a link to its notice."""
    return "".join(escape(words) if number is None
                   else f'<a href="{escape(notice_url(number))}">{escape(words)}</a>'
                   for words, number in pieces(text))


def _when(moment: datetime) -> str:
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f'<time datetime="{stamp}">{moment.day} {moment:%B %Y}, {moment:%H:%M}</time>'


def article_page(story: Story, room: Furniture, notice_url: NoticeUrl) -> bytes:
    """An article of the Echo inside the full page furniture."""
    body = "\n".join(f"      <p>{_cited(p, notice_url)}</p>" for p in story.paragraphs)
    rail = "".join(f'\n      <li><a href="{escape(url)}">{escape(headline)}</a></li>'
                   for url, headline in room.more)
    main = f"""<article class="story">
      <h1>{escape(story.headline)}</h1>
      <p class="byline">By {escape(story.byline)}, {_when(story.published)}</p>
      <p class="standfirst">{_cited(story.standfirst, notice_url)}</p>
      <div class="story-body" itemprop="articleBody">
{body}
      </div>
    </article>
    <aside class="more-stories">
      <h2>More from the Echo</h2>
      <ul>{rail}
      </ul>
    </aside>"""
    head = (f'<meta name="description" content="{escape(plain(story.standfirst))}">\n'
            f'  <meta property="og:title" content="{escape(story.headline)}">')
    return _paper_page(story.headline, head, main, room)


def listing_page(stories: Sequence[tuple[str, Story]], room: Furniture) -> bytes:
    """The front page: a teaser per story in the main column, most read beside it."""
    teasers = "".join(f"""
      <div class="teaser">
        <h2><a href="{escape(url)}">{escape(story.headline)}</a></h2>
        <p>{escape(plain(story.standfirst))}</p>
      </div>""" for url, story in stories)
    most_read = "".join(f'\n        <li><a href="{escape(url)}">{escape(headline)}</a></li>'
                        for url, headline in room.more)
    main = f"""<section class="top-stories">
      <h1>Latest news</h1>{teasers}
    </section>
    <aside class="most-read">
      <h2>Most read</h2>
      <ol>{most_read}
      </ol>
    </aside>"""
    return _paper_page("Latest news", "", main, room)


def _paper_page(title: str, head: str, main: str, room: Furniture) -> bytes:
    promoted = "".join(f'\n        <li><a href="/promoted/{slug}?cb={room.asset_version}">'
                       f"{escape(text)}</a></li>" for slug, text in room.promoted)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>{escape(title)} | {PAPER}</title>
  {head}
  <link rel="stylesheet" href="/static/css/site.css?v={room.asset_version}">
  <script src="/static/js/echo.js?v={room.asset_version}" defer></script>
</head>
<body>
  <header class="masthead">
    <p class="brand"><a href="/">{PAPER}</a></p>
    <p class="ticker">Updated {room.minutes_ago} minutes ago</p>
    <nav>
      <a href="/news/">News</a> <a href="/sport/">Sport</a> <a href="/opinion/">Opinion</a>
    </nav>
  </header>
  <main>
    {main}
    <form class="newsletter" method="post" action="/newsletter">
      <h2>The Echo in your inbox every morning</h2>
      <input type="hidden" name="csrf_token" value="{room.csrf_token}">
      <input type="email" name="email" aria-label="Email address">
      <button type="submit">Sign up</button>
    </form>
    <section class="promoted">
      <h2>Promoted</h2>
      <ul>{promoted}
      </ul>
    </section>
  </main>
  <footer>
    <a href="/about/">About the Echo</a> <a href="/feed.xml">RSS</a> <a href="/atom.xml">Atom</a>
  </footer>
  <script nonce="{room.nonce}">window.echo = {{"csrf": "{room.csrf_token}"}};</script>
</body>
</html>
""".encode()


def notice_page(notice: Notice) -> bytes:
    """A water-board notice: a plain government page, the same on every fetch."""
    text = "\n".join(f"      <p>{escape(p)}</p>" for p in notice.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>{escape(notice.title)} | {BOARD}</title>
</head>
<body>
  <header><p><a href="/">{BOARD}</a></p></header>
  <main>
    <article class="notice">
      <h1>{escape(notice.title)}</h1>
      <p class="issued">Issued {_when(notice.issued)}</p>
{text}
    </article>
  </main>
  <footer><p>{BOARD}, Quay Street, Kelby. Press desk: 01632 960 114.</p></footer>
</body>
</html>
""".encode()


def js_shell(name: str) -> bytes:
    """The "broken" article: a JavaScript application shell with no text to extract."""
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8"><title></title>\n'
        f'<script src="/static/js/reader.js?article={escape(name)}" defer></script></head>\n'
        '<body><div id="app"></div></body></html>\n'
    ).encode()
