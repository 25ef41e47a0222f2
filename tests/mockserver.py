"""A raw HTTP/1.1 test site on loopback that records every byte it sends.

Two :class:`MockServer` instances run in background threads: ``a`` on 127.0.0.1 and ``b``, the
"other host" that articles cite, on 127.0.0.2, each on a free port; both serve the same routes.
Responses are written by hand (status line, header list, body, chunk framing) and each exchange
is recorded in ``MockServer.sent`` as an :class:`Exchange` whose body is the entity as sent
(content-encoded, de-chunked), so tests can compare WARC records with what went over the wire.

The routes are in :data:`ENDPOINTS`. Article pages reuse the demo site's content and renderers
(:mod:`archive.demo`) and switch between :data:`VARIANTS` per test with ``set_variant``.
"""

from __future__ import annotations

import gzip
import random
import re
import socketserver
import sys
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from email.message import Message
from email.utils import format_datetime, formatdate
from functools import cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

from archive.demo import content, feeds, pages
from archive.demo.chrome import Teaser, chrome_for
from archive.demo.negotiate import is_not_modified

SLOW_DEFAULT, SLOW_MAX = 2.0, 10.0  # seconds /slow waits: default and cap (?seconds=...)
REDIRECT_CHAIN_MAX = 50
BOMB_SIZE = 50 * 1024 * 1024  # bytes /bomb/gzip inflates to
BOMB_MAX_MIB = 4096  # the most /bomb/gzip?mib=N inflates to, in MiB
TRUNCATED_MISSING = 1000  # bytes /truncated promises in Content-Length but never sends
BIG_MAX = 64 * 1024 * 1024  # the most /big serves
HUGE_PAGE = 6 * 1024 * 1024  # /hostile/huge: over the extraction cap (archive.limits)
IDLE_TIMEOUT = 5  # seconds a keep-alive connection may sit idle before the server drops it
MAX_REQUEST_BODY = 1024 * 1024  # bytes of a POST body read (and discarded)
HTML = b"text/html; charset=utf-8"


class Exchange(NamedTuple):
    """One request and the response exactly as the server wrote it.

    `path` is the request target as sent (with any query string). `request_headers` is the
    parsed request header block: ordered, repeats kept, ``get`` ignores case. `headers` are the
    response headers in order as (name, value) bytes; `body` is the entity as sent,
    content-encoded and without chunk framing (empty for HEAD).
    """

    method: str
    path: str
    request_headers: Message
    status_line: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes


class Request(NamedTuple):
    """What an endpoint sees of a request."""

    path: str
    query: dict[str, list[str]]
    headers: Message


@dataclass
class Reply:
    """A response to write. With `chunks`, the body goes out in chunked transfer coding."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes = b""
    chunks: tuple[bytes, ...] | None = None
    close: bool = False  # close the connection after the body (close-delimited or truncated)
    unterminated: bool = False  # chunked: the last chunk is cut short and no end chunk follows
    hang: float = 0.0  # seconds to wait after writing, before closing or going on
    drop: bool = False  # close the connection without writing any response at all


class MockServer:
    """One recording HTTP server on one loopback address and a free port."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.sent: list[Exchange] = []
        self.peer: MockServer = self  # the other host of the pair; set by MockSite.start
        self._variants: dict[str, str] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _TCPServer | None = None

    @property
    def port(self) -> int:
        """The port the server listens on, once started."""
        if self._server is None:
            raise RuntimeError("MockServer is not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234``."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> MockServer:
        """Bind a free port and serve from a daemon thread."""
        self._server = _TCPServer((self.host, 0), _Handler)
        self._server.mock = self
        name = f"mockserver-{self.host}"
        serve = self._server.serve_forever
        threading.Thread(target=serve, args=(0.1,), name=name, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving; a /slow request still waiting returns at once."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def set_variant(self, name: str, variant: str) -> None:
        """Serve /articles/`name` as `variant` (one of :data:`VARIANTS`) until the next reset."""
        if name not in ARTICLES:
            raise KeyError(f"no mock article {name!r}; known: {', '.join(ARTICLES)}")
        if variant not in VARIANTS:
            raise ValueError(f"unknown variant {variant!r}; known: {', '.join(VARIANTS)}")
        with self._lock:
            self._variants[name] = variant

    def variant(self, name: str) -> str:
        """The variant /articles/`name` is served as now."""
        with self._lock:
            return self._variants.get(name, "v1")

    def sent_for(self, path: str) -> list[Exchange]:
        """Exchanges for `path`; the query string counts only if `path` has one."""
        with self._lock:
            sent = list(self.sent)
        if "?" in path:
            return [x for x in sent if x.path == path]
        return [x for x in sent if x.path.partition("?")[0] == path]

    def reset(self) -> None:
        """Forget all exchanges and serve every article as "v1" again."""
        with self._lock:
            self.sent.clear()
            self._variants.clear()

    def record(self, exchange: Exchange) -> None:
        """Add `exchange` to :attr:`sent` (the handler calls this just before writing it)."""
        with self._lock:
            self.sent.append(exchange)

    def wait(self, seconds: float) -> None:
        """Sleep up to `seconds`, returning early when the server stops."""
        self._stopping.wait(seconds)


@dataclass
class MockSite:
    """The test site's two servers: `a` on 127.0.0.1 and `b` on 127.0.0.2."""

    a: MockServer = field(default_factory=lambda: MockServer("127.0.0.1"))
    b: MockServer = field(default_factory=lambda: MockServer("127.0.0.2"))

    def start(self) -> MockSite:
        """Start both servers and make each the other's peer."""
        self.a.start()
        self.b.start()
        self.a.peer, self.b.peer = self.b, self.a
        return self

    def stop(self) -> None:
        """Stop both servers."""
        self.a.stop()
        self.b.stop()

    def reset(self) -> None:
        """Clear both servers' exchange logs and article variants."""
        self.a.reset()
        self.b.reset()

    def __enter__(self) -> MockSite:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# -- content ----------------------------------------------------------------------------------

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


# The fidelity matrix serves these two entities; chunked and unchunked variants carry equal bytes.
FIDELITY_PAGE = (
    b"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Fidelity</title></head>\n"
    b"<body><h1>Capture fidelity</h1>\n<p>These bytes must reach the archive exactly as sent: "
    b"the same entity whether framed by Content-Length, by chunks or by closing the "
    b"connection.</p>\n</body></html>\n"
)
GZIP_FILE = gzip.compress(b"district,injured\nBrenitz,318\nOrsk,96\nSaldo,41\n", mtime=0)


@dataclass(frozen=True)
class CharsetPage:
    """A page whose encoding is declared in the header, in a meta tag, by a BOM, or in conflict."""

    encoding: str  # how the body bytes are encoded
    header: str | None  # charset parameter of Content-Type, if any
    meta: str | None  # charset declared in the document, if any
    bom: bool
    title: str
    text: str  # the paragraph an extractor must recover, as Unicode


_RUSSIAN = (
    "Городской совет Марраска утвердил план восстановления набережной",
    "Городской совет Марраска во вторник утвердил план восстановления набережной реки Дравна, "
    "разрушенной октябрьским наводнением. По словам заместителя мэра Ольги Вересковой, сначала "
    "отремонтируют подпорные стены и пешеходные мосты, а жители смогут высказать своё мнение о "
    "проекте на открытых слушаниях в декабре.",
)
_FRENCH = (
    "Le festival d'hiver de Marrask est reporté à février",
    "Les organisateurs du festival d'hiver de Marrask ont annoncé lundi que l'édition de cette "
    "année se tiendra en février, après les inondations qui ont endommagé la place du marché. "
    "« Nous préférons attendre quelques semaines plutôt que d'annuler », a déclaré la directrice, "
    "Hélène Varga. Les billets déjà vendus resteront valables.",
)
_GERMAN = (
    "Die Fähre über die Dravna fährt wieder",
    "Nach drei Wochen Pause verkehrt die Fähre zwischen Saldo und Brenitz seit Montag wieder "
    "im Stundentakt — vorerst nur tagsüber. Die Überfahrt kostet weiterhin 2 €, für Schüler ist "
    "sie gratis. Am Anleger hängt ein Gruß der Bürgermeisterin: «Добро пожаловать обратно».",
)
CHARSET_PAGES = {
    "/charset/cp1251-header": CharsetPage("windows-1251", "windows-1251", None, False, *_RUSSIAN),
    "/charset/cp1251-meta": CharsetPage("windows-1251", None, "windows-1251", False, *_RUSSIAN),
    "/charset/latin1-header": CharsetPage("iso-8859-1", "iso-8859-1", None, False, *_FRENCH),
    "/charset/latin1-meta": CharsetPage("iso-8859-1", None, "iso-8859-1", False, *_FRENCH),
    "/charset/utf8-bom": CharsetPage("utf-8", None, None, True, *_GERMAN),
    # The header says windows-1251 and the meta utf-8: the header wins, and the body is cp1251.
    "/charset/conflict": CharsetPage("windows-1251", "windows-1251", "utf-8", False, *_RUSSIAN),
}


def charset_body(page: CharsetPage) -> bytes:
    """The encoded document of a charset test page."""
    declaration = ""
    if page.meta == "iso-8859-1":  # the older http-equiv spelling, so both forms are covered
        declaration = f'<meta http-equiv="Content-Type" content="text/html; charset={page.meta}">'
    elif page.meta:
        declaration = f'<meta charset="{page.meta}">'
    document = (
        f"<!DOCTYPE html>\n<html><head>{declaration}<title>{page.title}</title></head>\n"
        f"<body><article><h1>{page.title}</h1>\n<p>{page.text}</p>\n</article></body></html>\n"
    )
    return (b"\xef\xbb\xbf" if page.bom else b"") + document.encode(page.encoding)


def js_shell(name: str) -> bytes:
    """The "broken" article: a JavaScript application shell with no text to extract."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title></title>\n'
        f'<script src="/static/js/reader.js?article={name}" defer></script></head>\n'
        '<body><div id="app"></div></body></html>\n'
    ).encode()


# -- endpoints: each takes (server, request, *groups of its path pattern) and returns a Reply --


def _reply(
    status: int,
    body: bytes,
    content_type: bytes = HTML,
    extra: Iterable[tuple[bytes, bytes]] = (),
    *,
    chunked: bool = False,
    length: bool = True,
    close: bool = False,
) -> Reply:
    """A Reply with the usual headers; `extra` headers follow Content-Type, in order."""
    headers = [
        (b"Date", formatdate(usegmt=True).encode()),
        (b"Server", b"palimpsest-mock/1"),
        (b"Content-Type", content_type),
        *extra,
    ]
    chunks = None
    if chunked:
        headers.append((b"Transfer-Encoding", b"chunked"))
        step = max(1, len(body) // 4)  # four or five chunks, the last one shorter
        chunks = tuple(body[i : i + step] for i in range(0, len(body), step))
    elif length:
        headers.append((b"Content-Length", str(len(body)).encode()))
    if close:
        headers.append((b"Connection", b"close"))
    return Reply(status, headers, body, chunks, close)


def _page(title: str, text: str) -> bytes:
    """A minimal HTML page (the test site's own fixed text, so nothing needs escaping)."""
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1><p>{text}</p></body></html>\n"
    ).encode()


def _not_found(what: str = "page") -> Reply:
    return _reply(404, _page("Not found", f"No such {what}."))


def _matrix(entity: bytes, content_type: bytes, encoded: bool, chunked: bool) -> Callable:
    """An endpoint of the fidelity matrix: content type x content-encoding x framing."""
    body = gzip.compress(entity, mtime=0) if encoded else entity
    extra = [(b"Content-Encoding", b"gzip")] if encoded else []
    return lambda server, request: _reply(200, body, content_type, extra, chunked=chunked)


def _cookies(server: MockServer, request: Request) -> Reply:
    extra = [
        (b"Set-Cookie", b"session=4f1c2e; Path=/; HttpOnly"),
        (b"Link", b"</static/css/site.css>; rel=preload; as=style"),
        (b"Set-Cookie", b"theme=dark; Path=/; Max-Age=3600; SameSite=Lax"),
        (b"Link", b"</static/js/app.js>; rel=preload; as=script"),
        (b"Vary", b"Accept-Encoding"),
        (b"Vary", b"Cookie"),
    ]
    return _reply(200, _page("Cookies", "Two cookies were set."), extra=extra)


def _utf8_header(server: MockServer, request: Request) -> Reply:
    filename = 'attachment; filename="Compte-rendu détaillé.txt"'.encode("latin-1")
    caption = "Zürich — Марраск".encode()  # raw UTF-8 in a header value
    extra = [(b"Content-Disposition", filename), (b"X-Caption", caption)]
    return _reply(200, b"Minutes of the meeting.\n", b"text/plain; charset=utf-8", extra)


def _redirect(location: str) -> Reply:
    body = _page("Moved", "This page has moved.")
    return _reply(302, body, extra=[(b"Location", location.encode())])


def _redirect_chain(server: MockServer, request: Request, hops: str) -> Reply:
    left = int(hops)
    if left > REDIRECT_CHAIN_MAX:
        return _reply(400, _page("Bad request", f"At most {REDIRECT_CHAIN_MAX} hops."))
    if left == 0:
        return _reply(200, _page("End of the chain", "No more redirects."))
    return _redirect(f"/redirect-chain/{left - 1}")


def _status(server: MockServer, request: Request, code: str) -> Reply:
    status = int(code)
    if status < 200 or status not in {s.value for s in HTTPStatus}:
        return _reply(400, _page("Bad request", "Status must be a registered code, 200 or above."))
    extra = [(b"Retry-After", b"2")] if status in (429, 503) else []
    if status in (204, 304):  # bodiless by definition
        return _reply(status, b"", extra=extra, length=False)
    return _reply(status, _page(HTTPStatus(status).phrase, f"Status {status}."), extra=extra)


def _truncated(server: MockServer, request: Request) -> Reply:
    declared = str(len(FIDELITY_PAGE) + TRUNCATED_MISSING).encode()
    extra = [(b"Content-Length", declared)]
    return _reply(200, FIDELITY_PAGE, extra=extra, length=False, close=True)


def _slow(server: MockServer, request: Request) -> Reply:
    try:
        seconds = float(request.query.get("seconds", [SLOW_DEFAULT])[0])
    except ValueError:
        seconds = SLOW_DEFAULT
    server.wait(min(max(seconds, 0.0), SLOW_MAX))
    return _reply(200, _page("Slow", "Worth the wait."))


@cache
def bomb_body() -> bytes:
    """/bomb/gzip's body: :data:`BOMB_SIZE` zero bytes gzipped (about 50 KB), made once."""
    return gzip.compress(bytes(BOMB_SIZE), compresslevel=9, mtime=0)


def _bomb(server: MockServer, request: Request) -> Reply:
    """The 50 MiB gzip bomb, or ?mib=N (at most BOMB_MAX_MIB) for the memory benchmark."""
    try:
        mib = int(request.query.get("mib", ["0"])[0])
    except ValueError:
        mib = 0
    body = big_gzip_bomb(min(mib, BOMB_MAX_MIB)) if mib > 0 else bomb_body()
    return _reply(200, body, extra=[(b"Content-Encoding", b"gzip")])


@cache
def big_gzip_bomb(mib: int) -> bytes:
    """`mib` MiB of zeros as that many gzip members of 1 MiB each (about 1 KB per MiB): valid
    gzip, made at once however large."""
    return gzip.compress(bytes(1024 * 1024), compresslevel=9, mtime=0) * mib


def zstd_rle_bomb(size: int) -> bytes:
    """A zstd frame of `size` zero bytes made of RLE blocks: 4 bytes per 128 KiB.

    Hand-built (RFC 8878: frame header with a 128 KiB window, then RLE blocks) because no zstd
    library is a dependency; `zstd -d` reads it.
    """
    block = 128 * 1024
    out = bytearray(b"\x28\xb5\x2f\xfd\x00\x38")  # magic, no flags, window 2**17
    left = size
    while left > 0:
        step = min(block, left)
        left -= step
        header = (1 if left == 0 else 0) | (1 << 1) | (step << 3)  # last?, RLE, size
        out += header.to_bytes(3, "little") + b"\x00"
    return bytes(out)


@cache
def bomb_of(coding: str) -> bytes:
    """A body of :data:`BOMB_SIZE` zero bytes in content coding `coding` (1000:1 or better)."""
    if coding == "gzip":
        return bomb_body()
    if coding == "deflate":
        return zlib.compress(bytes(BOMB_SIZE), 9)
    if coding == "br":
        import brotli

        return brotli.compress(bytes(BOMB_SIZE))
    if coding == "zstd":
        return zstd_rle_bomb(BOMB_SIZE)
    raise KeyError(coding)


def _bomb_in(server: MockServer, request: Request, coding: str) -> Reply:
    if coding not in ("deflate", "br", "zstd"):
        return _not_found("bomb")
    return _reply(200, bomb_of(coding), extra=[(b"Content-Encoding", coding.encode())])


def _big(server: MockServer, request: Request) -> Reply:
    """?bytes=N of HTML, framed by Content-Length (default), chunks (?framing=chunked) or the
    connection closing (?framing=close)."""
    try:
        size = min(int(request.query.get("bytes", ["1000"])[0]), BIG_MAX)
    except ValueError:
        size = 1000
    framing = request.query.get("framing", ["length"])[0]
    line = b"<p>Line of a page far too big for a news article.</p>\n"
    body = (b"<!DOCTYPE html><html><body>" + line * (size // len(line) + 1))[:size]
    return _reply(200, body, chunked=framing == "chunked", length=framing == "length",
                  close=framing == "close")


def _broken_chunked(server: MockServer, request: Request) -> Reply:
    reply = _reply(200, FIDELITY_PAGE, chunked=True, close=True)
    reply.unterminated = True
    return reply


def _hang_after_headers(server: MockServer, request: Request) -> Reply:
    try:
        seconds = min(float(request.query.get("seconds", [SLOW_DEFAULT])[0]), SLOW_MAX)
    except ValueError:
        seconds = SLOW_DEFAULT
    declared = str(len(FIDELITY_PAGE)).encode()
    reply = _reply(200, FIDELITY_PAGE[: len(FIDELITY_PAGE) // 2],
                   extra=[(b"Content-Length", declared)], length=False, close=True)
    reply.hang = seconds
    return reply


def _redirect_to(server: MockServer, request: Request) -> Reply:
    """An open redirect: Location is the `url` parameter, verbatim."""
    target = request.query.get("url", ["/plain"])[0]
    return _reply(302, _page("Moved", "Elsewhere."),
                  extra=[(b"Location", target.encode("utf-8", "surrogateescape"))])


def cite_page(link: str) -> bytes:
    """An article whose body cites `link` (escaped as an attribute)."""
    from html import escape

    words = ("The regional water authority said on Tuesday that the inspection of the eastern "
             "embankment would continue through the winter, and that residents near the river "
             "should expect closures of the towpath on weekdays while engineers take samples.")
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Cited</title></head>'
            f'<body><article><h1>Inspection of the embankment continues</h1><p>{words} '
            f'<a href="{escape(link, quote=True)}">The authority\'s statement</a> gives the '
            f"schedule.</p><p>{words}</p></article></body></html>").encode()


def _cite(server: MockServer, request: Request) -> Reply:
    return _reply(200, cite_page(request.query.get("to", ["/plain"])[0]))


def _sitemap_of(server: MockServer, request: Request) -> Reply:
    """A urlset listing the `loc` parameters verbatim (escaped as XML text)."""
    from html import escape

    locs = "".join(f"<url><loc>{escape(loc)}</loc></url>" for loc in request.query.get("loc", []))
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{locs}</urlset>\n').encode()
    return _reply(200, body, b"application/xml")


def hostile_body(kind: str) -> bytes | None:
    """Pages no extractor should choke on: binary, deeply nested, huge, mis-declared."""
    if kind == "binary":
        return random.Random(7).randbytes(20_000)
    if kind == "deep":
        return b"<!DOCTYPE html><html><body>" + b"<div>" * 10_000 + b"deep" + \
            b"</div>" * 10_000 + b"</body></html>"
    if kind == "huge":
        return _big(None, Request("/big", {"bytes": [str(HUGE_PAGE)]}, Message())).body
    if kind == "misdeclared":  # declared UTF-8 in the header, written in windows-1251
        return charset_body(CHARSET_PAGES["/charset/cp1251-meta"])
    return None


def _hostile(server: MockServer, request: Request, kind: str) -> Reply:
    body = hostile_body(kind)
    if body is None:
        return _not_found("hostile page")
    return _reply(200, body, b"text/html; charset=utf-8")


def _robots(server: MockServer, request: Request) -> Reply:
    text = f"User-agent: *\nDisallow: /private/\n\nSitemap: {server.url}/sitemap-index.xml\n"
    return _reply(200, text.encode(), b"text/plain; charset=utf-8")


def _stories(server: MockServer) -> list[tuple[str, content.Article]]:
    """(url, article as currently served) for every mock article."""
    return [
        (f"{server.url}/articles/{name}", article_variant(name, server.variant(name)))
        for name in ARTICLES
    ]


def _teasers(server: MockServer) -> list[Teaser]:
    return [Teaser(url, article.headline) for url, article in _stories(server)]


def _href(server: MockServer) -> Callable[[str], str]:
    """Resolves the content's links: statements live on the peer host at /statements/<n>."""
    numbers = {key: number for number, key in STATEMENTS.items()}

    def href(ref: str) -> str:
        kind, _, key = ref.partition(":")
        return f"{server.peer.url}/statements/{numbers[key]}" if kind == "statement" else ref

    return href


def _listing(server: MockServer, request: Request) -> Reply:
    page = pages.listing_page("Latest news", _stories(server), chrome_for(0, _teasers(server)))
    return _reply(200, page.encode())


def _article(server: MockServer, request: Request, name: str) -> Reply:
    if name not in ARTICLES:
        return _not_found("article")
    variant = server.variant(name)
    if variant == "broken":
        return _reply(200, js_shell(name))
    if variant == "gone":  # taken down: 404, until a later variant brings it back
        return _not_found("article")
    if variant == "truncated":  # v1's page, cut off: Content-Length promises more than comes
        whole = _article_page(server, name, "v1")
        extra = [(b"Content-Length", str(len(whole) + TRUNCATED_MISSING).encode())]
        return _reply(200, whole, extra=extra, length=False, close=True)
    return _reply(200, _article_page(server, name, variant))


def _article_page(server: MockServer, name: str, variant: str) -> bytes:
    url = f"{server.url}/articles/{name}"
    # Every variant but the twin wears request 0's furniture; the twin wears request 1's.
    chrome = chrome_for(1 if variant == "twin" else 0, _teasers(server), url)
    return pages.article_page(article_variant(name, variant), chrome, _href(server)).encode()


def _statement(server: MockServer, request: Request, number: str) -> Reply:
    """A static source page with validators, answering conditional requests with 304."""
    if number not in STATEMENTS:
        return _not_found("statement")
    statement = content.statements(1)[STATEMENTS[number]]
    etag = f'"statement-{number}"'
    modified = format_datetime(statement.modified, usegmt=True)
    validators = [(b"ETag", etag.encode()), (b"Last-Modified", modified.encode())]
    if is_not_modified(etag, statement.modified, request.headers):
        return _reply(304, b"", extra=validators, length=False)
    return _reply(200, pages.statement_page(statement).encode(), extra=validators)


def _channel_and_entries(server: MockServer) -> tuple[feeds.Channel, list[feeds.FeedEntry]]:
    paper = content.boilerplate().paper
    channel = feeds.Channel(paper["name"], server.url, paper["tagline"], paper["language"])
    entries = [
        feeds.FeedEntry(
            url, a.headline, content.plain_text(a.standfirst), a.byline, a.published, a.modified
        )
        for url, a in _stories(server)
    ]
    return channel, entries


def _rss(server: MockServer, request: Request) -> Reply:
    channel, entries = _channel_and_entries(server)
    body = feeds.rss(channel, entries, max(e.modified for e in entries))
    return _reply(200, body, b"application/rss+xml; charset=utf-8")


def _atom(server: MockServer, request: Request) -> Reply:
    channel, entries = _channel_and_entries(server)
    body = feeds.atom(channel, f"{server.url}/atom.xml", entries, max(e.modified for e in entries))
    return _reply(200, body, b"application/atom+xml; charset=utf-8")


def _sitemap(server: MockServer, request: Request) -> Reply:
    channel, entries = _channel_and_entries(server)
    return _reply(200, feeds.news_sitemap(channel, entries), b"application/xml")


def _sitemap_index(server: MockServer, request: Request) -> Reply:
    _, entries = _channel_and_entries(server)
    newest = max(e.modified for e in entries)
    body = feeds.sitemap_index([f"{server.url}/sitemap.xml"], newest)
    return _reply(200, body, b"application/xml")


def _charset(server: MockServer, request: Request, name: str) -> Reply:
    page = CHARSET_PAGES.get(f"/charset/{name}")
    if page is None:
        return _not_found("charset page")
    charset = f"; charset={page.header}".encode() if page.header else b""
    return _reply(200, charset_body(page), b"text/html" + charset)


def _fixed(title: str, text: str) -> Callable:
    """An endpoint serving one small fixed page."""
    return lambda server, request: _reply(200, _page(title, text))


_GZIP_TYPE = b"application/gzip"
ENDPOINTS: list[tuple[str, Callable[..., Reply]]] = [
    # capture fidelity: {html, application/gzip} x {identity, gzip} x {Content-Length, chunked}
    ("/plain", _matrix(FIDELITY_PAGE, HTML, encoded=False, chunked=False)),
    ("/chunked", _matrix(FIDELITY_PAGE, HTML, encoded=False, chunked=True)),
    ("/gzip", _matrix(FIDELITY_PAGE, HTML, encoded=True, chunked=False)),
    ("/gzip-chunked", _matrix(FIDELITY_PAGE, HTML, encoded=True, chunked=True)),
    ("/app-gzip", _matrix(GZIP_FILE, _GZIP_TYPE, encoded=False, chunked=False)),
    ("/app-gzip-chunked", _matrix(GZIP_FILE, _GZIP_TYPE, encoded=False, chunked=True)),
    ("/app-gzip-encoded", _matrix(GZIP_FILE, _GZIP_TYPE, encoded=True, chunked=False)),
    ("/app-gzip-encoded-chunked", _matrix(GZIP_FILE, _GZIP_TYPE, encoded=True, chunked=True)),
    ("/cookies", _cookies),
    ("/utf8-header", _utf8_header),
    # redirects and statuses
    ("/redirect", lambda server, request: _redirect("/plain")),
    ("/redirect-chain/([0-9]+)", _redirect_chain),
    ("/loop", lambda server, request: _redirect("/loop")),
    ("/redirect-private", lambda server, request: _redirect(f"{server.peer.url}/secret")),
    ("/secret", _fixed("Secret", "For internal eyes only.")),
    ("/status/([0-9]{3})", _status),
    # misbehaving responses
    ("/truncated", _truncated),
    ("/no-length", lambda server, request: _reply(200, FIDELITY_PAGE, length=False, close=True)),
    ("/slow", _slow),
    ("/bomb/gzip", _bomb),
    ("/bomb/([a-z]+)", _bomb_in),
    ("/big", _big),
    ("/broken-chunked", _broken_chunked),
    ("/drop", lambda server, request: Reply(200, [], drop=True)),
    ("/hang-after-headers", _hang_after_headers),
    ("/redirect-to", _redirect_to),
    ("/cite", _cite),
    ("/sitemap-of", _sitemap_of),
    ("/hostile/([a-z]+)", _hostile),
    # a tiny news site
    ("/robots.txt", _robots),
    ("/listing", _listing),
    ("/feed.xml", _rss),
    ("/atom.xml", _atom),
    ("/sitemap.xml", _sitemap),
    ("/sitemap-index.xml", _sitemap_index),
    ("/private/page", _fixed("Private", "Robots may not read this.")),
    ("/articles/([a-z0-9-]+)", _article),
    ("/statements/([0-9]+)", _statement),
    ("/charset/([a-z0-9-]+)", _charset),
]
_ROUTES = [(re.compile(pattern), endpoint) for pattern, endpoint in ENDPOINTS]


def route(server: MockServer, request: Request) -> Reply:
    """The reply of the endpoint whose pattern matches the whole path; 404 if none does."""
    for pattern, endpoint in _ROUTES:
        match = pattern.fullmatch(request.path)
        if match:
            return endpoint(server, request, *match.groups())
    return _not_found()


class _TCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True  # an idle keep-alive connection must never block shutdown
    mock: MockServer

    def handle_error(self, request, client_address) -> None:
        """A client killed mid-request (the crash tests do it on purpose) is not news."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Parses requests with http.server, then writes each response byte by byte itself."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    server: _TCPServer

    def do_GET(self) -> None:  # noqa: N802 - the names http.server dispatches to
        self._answer(with_body=True)

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(min(int(self.headers.get("Content-Length") or 0), MAX_REQUEST_BODY))
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(with_body=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        """Silent: the exchange log is the record, and stderr noise would clutter test output."""

    def _answer(self, with_body: bool) -> None:
        mock = self.server.mock
        target = urlsplit(self.path)
        reply = route(mock, Request(target.path, parse_qs(target.query), self.headers))
        status_line = f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}".encode()
        entity = b"".join(reply.chunks) if reply.chunks is not None else reply.body
        sent_body = entity if with_body else b""
        mock.record(
            Exchange(self.command, self.path, self.headers, status_line, reply.headers, sent_body)
        )
        if reply.drop:
            self.close_connection = True
            return
        head = b"".join(name + b": " + value + b"\r\n" for name, value in reply.headers)
        try:
            self.wfile.write(status_line + b"\r\n" + head + b"\r\n")
            if with_body and reply.chunks is not None:
                self._write_chunks(reply)
            elif with_body:
                self.wfile.write(reply.body)
            if reply.hang:
                self.wfile.flush()
                mock.wait(reply.hang)
        except (BrokenPipeError, ConnectionResetError):
            reply.close = True  # the client hung up; this connection is finished
        if reply.close:
            self.close_connection = True

    def _write_chunks(self, reply: Reply) -> None:
        chunks = reply.chunks or ()
        whole = chunks[:-1] if reply.unterminated else chunks
        for chunk in whole:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        if reply.unterminated and chunks:
            # Promise twice the last chunk's size, send it, and hang up: a broken stream.
            self.wfile.write(b"%x\r\n%s" % (2 * len(chunks[-1]), chunks[-1]))
        else:
            self.wfile.write(b"0\r\n\r\n")
