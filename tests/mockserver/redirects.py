"""Where a response sends the crawler: redirects, status codes, and pages that point wherever
the test asks (an open redirect, a citing article, a sitemap), for the containment tests."""

from __future__ import annotations

from html import escape
from http import HTTPStatus

from mockserver.replies import Reply, Request, page, reply

REDIRECT_CHAIN_MAX = 50


def redirect(location: str) -> Reply:
    return reply(302, page("Moved", "This page has moved."),
                 extra=[(b"Location", location.encode())])


def redirect_chain(server, request: Request, hops: str) -> Reply:
    """/redirect-chain/N: N redirects, each to N-1, then a page."""
    left = int(hops)
    if left > REDIRECT_CHAIN_MAX:
        return reply(400, page("Bad request", f"At most {REDIRECT_CHAIN_MAX} hops."))
    if left == 0:
        return reply(200, page("End of the chain", "No more redirects."))
    return redirect(f"/redirect-chain/{left - 1}")


def status(server, request: Request, code: str) -> Reply:
    """/status/NNN: any registered status of 200 or above; 429 and 503 say when to retry."""
    number = int(code)
    if number < 200 or number not in {s.value for s in HTTPStatus}:
        return reply(400, page("Bad request", "Status must be a registered code, 200 or above."))
    extra = [(b"Retry-After", b"2")] if number in (429, 503) else []
    if number in (204, 304):  # bodiless by definition
        return reply(number, b"", extra=extra, length=False)
    return reply(number, page(HTTPStatus(number).phrase, f"Status {number}."), extra=extra)


def redirect_to(server, request: Request) -> Reply:
    """An open redirect: Location is the `url` parameter, verbatim."""
    target = request.query.get("url", ["/plain"])[0]
    return reply(302, page("Moved", "Elsewhere."),
                 extra=[(b"Location", target.encode("utf-8", "surrogateescape"))])


def cite_page(link: str) -> bytes:
    """An article whose body cites `link` (escaped as an attribute)."""
    words = ("The regional water authority said on Tuesday that the inspection of the eastern "
             "embankment would continue through the winter, and that residents near the river "
             "should expect closures of the towpath on weekdays while engineers take samples.")
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Cited</title></head>'
            f'<body><article><h1>Inspection of the embankment continues</h1><p>{words} '
            f'<a href="{escape(link, quote=True)}">The authority\'s statement</a> gives the '
            f"schedule.</p><p>{words}</p></article></body></html>").encode()


def cite(server, request: Request) -> Reply:
    """/cite?to=URL: an article citing URL."""
    return reply(200, cite_page(request.query.get("to", ["/plain"])[0]))


def sitemap_of(server, request: Request) -> Reply:
    """A urlset listing the `loc` parameters verbatim (escaped as XML text)."""
    locs = "".join(f"<url><loc>{escape(loc)}</loc></url>" for loc in request.query.get("loc", []))
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{locs}</urlset>\n').encode()
    return reply(200, body, b"application/xml")
