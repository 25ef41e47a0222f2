"""The capture-fidelity matrix: the same entity sent every way HTTP allows, and odd headers.

{text/html, application/gzip} x {identity, gzip content-coding} x {Content-Length, chunked}:
the chunked and unchunked variants of a cell carry equal bytes, so their payload digests in the
WARC must agree. /cookies repeats headers; /utf8-header sends raw non-ASCII header bytes.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable

from mockserver.replies import Reply, page, reply

FIDELITY_PAGE = (
    b"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Fidelity</title></head>\n"
    b"<body><h1>Capture fidelity</h1>\n<p>These bytes must reach the archive exactly as sent: "
    b"the same entity whether framed by Content-Length, by chunks or by closing the "
    b"connection.</p>\n</body></html>\n"
)
GZIP_FILE = gzip.compress(b"district,injured\nBrenitz,318\nOrsk,96\nSaldo,41\n", mtime=0)
GZIP_TYPE = b"application/gzip"


def matrix(entity: bytes, content_type: bytes, encoded: bool, chunked: bool) -> Callable:
    """An endpoint of the fidelity matrix: content type x content-encoding x framing."""
    body = gzip.compress(entity, mtime=0) if encoded else entity
    extra = [(b"Content-Encoding", b"gzip")] if encoded else []
    return lambda server, request: reply(200, body, content_type, extra, chunked=chunked)


def cookies(server, request) -> Reply:
    """Set-Cookie, Link and Vary each twice, interleaved: order and repeats must survive."""
    extra = [
        (b"Set-Cookie", b"session=4f1c2e; Path=/; HttpOnly"),
        (b"Link", b"</static/css/site.css>; rel=preload; as=style"),
        (b"Set-Cookie", b"theme=dark; Path=/; Max-Age=3600; SameSite=Lax"),
        (b"Link", b"</static/js/app.js>; rel=preload; as=script"),
        (b"Vary", b"Accept-Encoding"),
        (b"Vary", b"Cookie"),
    ]
    return reply(200, page("Cookies", "Two cookies were set."), extra=extra)


def utf8_header(server, request) -> Reply:
    """A latin-1 filename and a raw UTF-8 caption in header values, as some servers send."""
    filename = 'attachment; filename="Compte-rendu détaillé.txt"'.encode("latin-1")
    caption = "Zürich — Марраск".encode()  # raw UTF-8 in a header value
    extra = [(b"Content-Disposition", filename), (b"X-Caption", caption)]
    return reply(200, b"Minutes of the meeting.\n", b"text/plain; charset=utf-8", extra)


# Every page of the matrix, and the two with odd headers: what a fidelity crawl fetches.
FIDELITY_PATHS = ["/plain", "/chunked", "/gzip", "/gzip-chunked", "/app-gzip", "/app-gzip-chunked",
                  "/app-gzip-encoded", "/app-gzip-encoded-chunked", "/cookies", "/utf8-header"]
