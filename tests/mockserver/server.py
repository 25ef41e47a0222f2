"""The mock site's servers: raw HTTP/1.1 on loopback, recording every byte they send.

Two :class:`MockServer` instances run in background threads: ``a`` on 127.0.0.1 and ``b``, the
"other host" that articles cite, on 127.0.0.2, each on a free port; both serve the same routes
(routes.py). Responses are written by hand (status line, header list, body, chunk framing) and
each exchange is recorded in ``MockServer.sent`` as an :class:`Exchange` whose body is the entity
as sent (content-encoded, de-chunked), so tests can compare WARC records with what went over the
wire. Articles switch between the news site's variants per test with ``set_variant``.
"""

from __future__ import annotations

import socketserver
import sys
import threading
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

from mockserver.news import ARTICLES
from mockserver.replies import Reply, Request
from mockserver.routes import route
from mockserver.stories import VARIANTS

IDLE_TIMEOUT = 5  # seconds a keep-alive connection may sit idle before the server drops it
MAX_REQUEST_BODY = 1024 * 1024  # bytes of a POST body read (and discarded)


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


class MockServer:
    """One recording HTTP server on one loopback address and a free port."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.sent: list[Exchange] = []
        self.peer: MockServer = self  # the other host of the pair; set by MockSite.start
        self._variants: dict[str, str] = {}
        self._feeds_empty = False  # feeds and sitemaps list no story (a feed that moved)
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

    def empty_feeds(self, empty: bool = True) -> None:
        """Make the feeds and sitemaps list no story at all until the next reset."""
        with self._lock:
            self._feeds_empty = empty

    @property
    def feeds_empty(self) -> bool:
        with self._lock:
            return self._feeds_empty

    def reset(self) -> None:
        """Forget all exchanges, serve every article as "v1" and list them all again."""
        with self._lock:
            self.sent.clear()
            self._variants.clear()
            self._feeds_empty = False

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
