"""HTML for the demo newspaper and ministry: realistic markup around the content, all escaped.

Renderers take content objects and return a complete document as a string. Newspaper pages wrap
the content in the furniture of a :class:`~archive.demo.chrome.Chrome` (site header, nav, rails,
promoted stories, ads, newsletter form, comments, footer); ministry pages are plain and static.
Inline links in the content are resolved by an `href` callable, so the same content can be served
by the demo site and by the test suite's mock server under different URLs. Every piece of text is
passed through :func:`html.escape` on its way into the markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from html import escape

from archive.demo.chrome import Chrome, Teaser
from archive.demo.content import Article, Statement, boilerplate, plain_text, segments

Href = Callable[[str], str]
"""Resolves an inline link's ref ("statement:S1" or an absolute URL) to the URL to link to."""


def inline(markup: str, href: Href) -> str:
    """Inline markup as HTML: text escaped, ``[text](ref)`` turned into links.

    >>> inline("Fish & [chips](statement:S1)", lambda ref: "/s?a=1&b=2")
    'Fish &amp; <a href="/s?a=1&amp;b=2">chips</a>'
    """
    return "".join(
        escape(text) if ref is None else f'<a href="{escape(href(ref))}">{escape(text)}</a>'
        for text, ref in segments(markup)
    )


def time_element(moment: datetime) -> str:
    """A ``<time>`` element with a machine-readable datetime and a human one."""
    moment = moment.astimezone(timezone.utc)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f'<time datetime="{stamp}">{moment.day} {moment:%B %Y, %H:%M} UTC</time>'


def article_page(article: Article, chrome: Chrome, href: Href) -> str:
    """A news article page: the article itself inside the full page furniture."""
    plate = boilerplate()
    section = next(s for s in plate.sections if s.key == article.section)
    updated = (
        f" · Updated {time_element(article.modified)}"
        if article.modified != article.published
        else ""
    )
    body = "\n".join(f"        <p>{inline(p, href)}</p>" for p in article.paragraphs)
    figure = article.figure
    story = f"""<article class="story" itemscope itemtype="https://schema.org/NewsArticle">
      <p class="kicker"><a href="/{section.key}/">{escape(section.title)}</a></p>
      <h1 class="headline" itemprop="headline">{escape(article.headline)}</h1>
      <p class="byline">By
        <span class="author" itemprop="author">{escape(article.byline)}</span></p>
      <p class="dateline">{time_element(article.published)}{updated}</p>
      <p class="standfirst">{inline(article.standfirst, href)}</p>
      <figure class="lead-image">
        <img src="/static/img/{escape(figure.image)}?w=1200&amp;v={chrome.asset_version}"
             alt="{escape(figure.alt)}" width="1200" height="675">
        <figcaption>{inline(figure.caption, href)}</figcaption>
      </figure>
      <div class="story-body" itemprop="articleBody">
{body}
      </div>
      <figure class="map">
        <img class="lazy" src="/static/img/placeholder.svg" data-src="/static/img/region-map.svg"
             loading="lazy" alt="" width="600" height="340">
      </figure>
    </article>
    {_ad(chrome, 1)}
    {_newsletter(chrome)}
    {_rail(f"More from {plate.paper['short_name']}", "more-from", chrome.more_from)}
    {_promoted(chrome)}
    {_comments(article)}"""
    head = f"""<meta name="description" content="{escape(plain_text(article.standfirst))}">
  <meta property="og:type" content="article">
  <meta property="og:title" content="{escape(article.headline)}">
  <meta property="article:published_time" content="{article.published.isoformat()}">
  <meta property="article:modified_time" content="{article.modified.isoformat()}">"""
    return _newspaper_page(article.headline, "article-page", head, story, chrome)


def listing_page(heading: str, stories: Sequence[tuple[str, Article]], chrome: Chrome) -> str:
    """A front page or section page: teasers of (url, article) in the main column, a sidebar."""
    teasers = "\n".join(
        f"""      <article class="teaser">
        <h2><a href="{escape(url)}">{escape(article.headline)}</a></h2>
        <p>{escape(plain_text(article.standfirst))}</p>
        <p class="teaser-meta">{time_element(article.published)}</p>
      </article>"""
        for url, article in stories
    )
    main = f"""<section class="top-stories">
      <h1>{escape(heading)}</h1>
{teasers}
    </section>
    <aside class="sidebar">
      {_rail("Most read", "most-read", chrome.most_read, tag="ol")}
      {_ad(chrome, 2)}
    </aside>
    {_promoted(chrome)}
    {_newsletter(chrome)}"""
    return _newspaper_page(heading, "listing-page", "", main, chrome)


def info_page(title: str, paragraphs: Sequence[str], chrome: Chrome) -> str:
    """A simple newspaper page (about us, a sponsored story): a title and paragraphs of text."""
    text = "\n".join(f"      <p>{escape(p)}</p>" for p in paragraphs)
    main = f"""<div class="info">
      <h1>{escape(title)}</h1>
{text}
    </div>
    {_promoted(chrome)}"""
    return _newspaper_page(title, "info-page", "", main, chrome)


def statement_page(statement: Statement) -> str:
    """A ministry press statement."""
    text = "\n".join(f"      <p>{escape(p)}</p>" for p in statement.paragraphs)
    revised = (
        f'\n      <p class="revised">Revised: {time_element(statement.modified)}</p>'
        if statement.modified != statement.issued
        else ""
    )
    main = f"""<article class="press-release">
      <h1>{escape(statement.title)}</h1>
      <p class="issued">Issued: {time_element(statement.issued)}</p>{revised}
{text}
    </article>"""
    return _ministry_page(statement.title, main)


def statement_listing_page(statements: Sequence[tuple[str, Statement]]) -> str:
    """The ministry's news listing: (url, statement) pairs, newest first."""
    items = "\n".join(
        f'      <li><a href="{escape(url)}">{escape(s.title)}</a> {time_element(s.issued)}</li>'
        for url, s in statements
    )
    main = f"""<h1>News and press statements</h1>
    <ul class="news-list">
{items}
    </ul>"""
    return _ministry_page("News and press statements", main)


def _newspaper_page(title: str, body_class: str, head: str, main: str, chrome: Chrome) -> str:
    paper = boilerplate().paper
    nav = "\n".join(
        f'        <li><a href="/{s.key}/">{escape(s.title)}</a></li>'
        for s in boilerplate().sections
    )
    return f"""<!DOCTYPE html>
<html lang="{escape(paper['language'])}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(title)} | {escape(paper['name'])}</title>
  {head}
  <link rel="stylesheet" href="/static/css/site.css?v={chrome.asset_version}">
  <link rel="alternate" type="application/rss+xml" href="/feed.xml">
  <link rel="alternate" type="application/atom+xml" href="/atom.xml">
  <script src="/static/js/app.js?v={chrome.asset_version}" defer></script>
</head>
<body class="{body_class}">
  {_ad(chrome, 0)}
  <header class="site-header">
    <p class="masthead"><a href="/">{escape(paper['name'])}</a>
      <span class="tagline">{escape(paper['tagline'])}</span></p>
    <p class="live-updated">Updated {chrome.updated_minutes} minutes ago</p>
    <nav class="site-nav" aria-label="Sections">
      <ul>
        <li><a href="/">Home</a></li>
{nav}
      </ul>
    </nav>
    <form class="site-search" role="search" action="/search" method="get">
      <input type="search" name="q" aria-label="Search the Courier">
      <button type="submit">Search</button>
    </form>
  </header>
  <main id="content">
    {main}
  </main>
  <footer class="site-footer">
    <ul>
      <li><a href="/about/">About {escape(paper['short_name'])}</a></li>
      <li><a href="/feed.xml">RSS</a></li>
      <li><a href="/atom.xml">Atom</a></li>
    </ul>
    <p>&copy; 2026 {escape(paper['publisher'])}. All rights reserved.</p>
  </footer>
  <script nonce="{chrome.nonce}">
    window.courier = {{"csrf": "{chrome.csrf_token}", "pageview": {chrome.pageview}}};
  </script>
</body>
</html>
"""


def _ministry_page(title: str, main: str) -> str:
    ministry = boilerplate().ministry
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{escape(title)} | {escape(ministry['name'])}</title>
</head>
<body>
  <header class="gov-header">
    <p class="gov-country">{escape(ministry['country'])}</p>
    <p class="gov-ministry"><a href="/en/news/">{escape(ministry['name'])}</a></p>
    <nav><a href="/en/news/">News</a></nav>
  </header>
  <main>
    {main}
  </main>
  <footer class="gov-footer">
    <p>{escape(ministry['name'])}, {escape(ministry['address'])}.
      Press office: {escape(ministry['press_office'])}</p>
  </footer>
</body>
</html>
"""


def _rail(title: str, css_class: str, teasers: Sequence[Teaser], tag: str = "ul") -> str:
    items = "".join(
        f'\n        <li><a href="{escape(t.url)}">{escape(t.headline)}</a></li>' for t in teasers
    )
    return f"""<section class="{css_class}">
      <h2>{escape(title)}</h2>
      <{tag}>{items}
      </{tag}>
    </section>"""


def _promoted(chrome: Chrome) -> str:
    items = "".join(
        f'\n        <li><a href="/promoted/{escape(p.slug)}?utm_source=courier&amp;utm_medium='
        f'rail&amp;cb={chrome.asset_version}">{escape(p.title)}</a>'
        f' <span class="sponsor">{escape(p.sponsor)}</span></li>'
        for p in chrome.promoted
    )
    return f"""<section class="promoted-stories">
      <h2>PROMOTED STORIES</h2>
      <ul>{items}
      </ul>
    </section>"""


def _ad(chrome: Chrome, index: int) -> str:
    slot, ad = chrome.ads[index % len(chrome.ads)]
    return (
        f'<div class="ad-slot ad-{slot}" data-slot="{slot}" data-creative="{escape(ad.id)}">'
        f'<span class="ad-label">Advertisement</span> '
        f'<a href="/promoted/{escape(ad.promoted)}?cb={chrome.asset_version}" rel="sponsored">'
        f"{escape(ad.text)}</a></div>"
    )


def _newsletter(chrome: Chrome) -> str:
    return f"""<form class="newsletter-signup" action="/newsletter" method="post">
      <h2>Sign up for the Morning Courier</h2>
      <input type="hidden" name="csrf_token" value="{chrome.csrf_token}">
      <input type="email" name="email" aria-label="Email address">
      <button type="submit">Sign up</button>
    </form>"""


def _comments(article: Article) -> str:
    items = "".join(
        f"""
        <li class="comment">
          <p class="comment-meta"><b>{escape(c.author)}</b> {time_element(c.posted)}</p>
          <p>{escape(c.text)}</p></li>"""
        for c in article.comments
    )
    return f"""<section class="comments" id="comments">
      <h2>Comments ({len(article.comments)})</h2>
      <ol>{items}
      </ol>
    </section>"""
