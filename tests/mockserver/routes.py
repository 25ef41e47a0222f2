"""Every route of the mock site in one table: a path pattern and the endpoint that answers it.

An endpoint is ``endpoint(server, request, *groups)``, the groups those of its pattern, and
returns a :class:`~mockserver.replies.Reply`. Both hosts of the site serve the same routes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mockserver import fidelity, hostile, misbehaving, news, redirects
from mockserver.charsets import charset
from mockserver.fidelity import FIDELITY_PAGE, GZIP_FILE, GZIP_TYPE, matrix
from mockserver.replies import HTML, Reply, Request, not_found, page, reply


def fixed(title: str, text: str) -> Callable[..., Reply]:
    """An endpoint serving one small fixed page."""
    return lambda server, request: reply(200, page(title, text))


ENDPOINTS: list[tuple[str, Callable[..., Reply]]] = [
    # capture fidelity: {html, application/gzip} x {identity, gzip} x {Content-Length, chunked}
    ("/plain", matrix(FIDELITY_PAGE, HTML, encoded=False, chunked=False)),
    ("/chunked", matrix(FIDELITY_PAGE, HTML, encoded=False, chunked=True)),
    ("/gzip", matrix(FIDELITY_PAGE, HTML, encoded=True, chunked=False)),
    ("/gzip-chunked", matrix(FIDELITY_PAGE, HTML, encoded=True, chunked=True)),
    ("/app-gzip", matrix(GZIP_FILE, GZIP_TYPE, encoded=False, chunked=False)),
    ("/app-gzip-chunked", matrix(GZIP_FILE, GZIP_TYPE, encoded=False, chunked=True)),
    ("/app-gzip-encoded", matrix(GZIP_FILE, GZIP_TYPE, encoded=True, chunked=False)),
    ("/app-gzip-encoded-chunked", matrix(GZIP_FILE, GZIP_TYPE, encoded=True, chunked=True)),
    ("/cookies", fidelity.cookies),
    ("/utf8-header", fidelity.utf8_header),
    # redirects and statuses
    ("/redirect", lambda server, request: redirects.redirect("/plain")),
    ("/redirect-chain/([0-9]+)", redirects.redirect_chain),
    ("/loop", lambda server, request: redirects.redirect("/loop")),
    ("/redirect-private", lambda server, request: redirects.redirect(f"{server.peer.url}/secret")),
    ("/secret", fixed("Secret", "For internal eyes only.")),
    ("/status/([0-9]{3})", redirects.status),
    # misbehaving responses
    ("/truncated", misbehaving.truncated),
    ("/no-length", misbehaving.no_length),
    ("/slow", misbehaving.slow),
    ("/bomb/gzip", hostile.gzip_bomb),
    ("/bomb/([a-z]+)", hostile.bomb_in),
    ("/big", misbehaving.big),
    ("/broken-chunked", misbehaving.broken_chunked),
    ("/drop", misbehaving.drop),
    ("/hang-after-headers", misbehaving.hang_after_headers),
    ("/many-headers", misbehaving.many_headers),
    # pages that point wherever the test asks (containment)
    ("/redirect-to", redirects.redirect_to),
    ("/cite", redirects.cite),
    ("/sitemap-of", redirects.sitemap_of),
    ("/hostile/sitemap-big", hostile.big_sitemap),
    ("/hostile/links", hostile.many_links),
    ("/hostile/([a-z]+)", hostile.hostile),
    # a tiny news site
    ("/robots.txt", news.robots),
    ("/listing", news.listing),
    ("/feed.xml", news.rss),
    ("/atom.xml", news.atom),
    ("/sitemap.xml", news.sitemap),
    ("/sitemap-index.xml", news.sitemap_index),
    ("/private/page", fixed("Private", "Robots may not read this.")),
    ("/articles/([a-z0-9-]+)", news.article),
    ("/statements/([0-9]+)", news.statement),
    ("/charset/([a-z0-9-]+)", charset),
]
_ROUTES = [(re.compile(pattern), endpoint) for pattern, endpoint in ENDPOINTS]


def route(server, request: Request) -> Reply:
    """The reply of the endpoint whose pattern matches the whole path; 404 if none does."""
    for pattern, endpoint in _ROUTES:
        match = pattern.fullmatch(request.path)
        if match:
            return endpoint(server, request, *match.groups())
    return not_found()
