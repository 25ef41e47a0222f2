"""Responses that break HTTP's promises: cut short, never ended, slow, dropped, oversized.

Each is what a real server does now and then (a crashed backend, a proxy timing out, a huge
export); the crawler must never store one of them as a complete capture.
"""

from __future__ import annotations

from mockserver.fidelity import FIDELITY_PAGE
from mockserver.replies import Reply, Request, page, query_number, reply

SLOW_DEFAULT, SLOW_MAX = 2.0, 10.0  # seconds /slow waits: default and cap (?seconds=...)
TRUNCATED_MISSING = 1000  # bytes /truncated promises in Content-Length but never sends
BIG_MAX = 64 * 1024 * 1024  # the most /big serves
MANY_HEADERS_MAX = 100_000  # the most headers /many-headers sends


def truncated(server, request: Request) -> Reply:
    """Content-Length promises TRUNCATED_MISSING bytes more than are sent before the close."""
    declared = str(len(FIDELITY_PAGE) + TRUNCATED_MISSING).encode()
    return reply(200, FIDELITY_PAGE, extra=[(b"Content-Length", declared)], length=False,
                 close=True)


def no_length(server, request: Request) -> Reply:
    """Neither Content-Length nor chunks: the body ends when the connection closes."""
    return reply(200, FIDELITY_PAGE, length=False, close=True)


def slow(server, request: Request) -> Reply:
    """Waits ?seconds=N (at most SLOW_MAX) before answering; a stopping server ends the wait."""
    seconds = query_number(request, "seconds", SLOW_DEFAULT)
    server.wait(min(max(seconds, 0.0), SLOW_MAX))
    return reply(200, page("Slow", "Worth the wait."))


def big(server, request: Request) -> Reply:
    """?bytes=N of HTML, framed by Content-Length (default), chunks (?framing=chunked) or the
    connection closing (?framing=close)."""
    size = min(int(query_number(request, "bytes", 1000)), BIG_MAX)
    framing = request.query.get("framing", ["length"])[0]
    line = b"<p>Line of a page far too big for a news article.</p>\n"
    body = (b"<!DOCTYPE html><html><body>" + line * (size // len(line) + 1))[:size]
    return reply(200, body, chunked=framing == "chunked", length=framing == "length",
                 close=framing == "close")


def broken_chunked(server, request: Request) -> Reply:
    """Chunked, but the last chunk is cut short and no end chunk ever comes."""
    answer = reply(200, FIDELITY_PAGE, chunked=True, close=True)
    answer.unterminated = True
    return answer


def drop(server, request: Request) -> Reply:
    """The connection closes without a single byte of response."""
    return Reply(200, [], drop=True)


def hang_after_headers(server, request: Request) -> Reply:
    """Headers and half the body, then silence for ?seconds=N (at most SLOW_MAX), then close."""
    seconds = min(query_number(request, "seconds", SLOW_DEFAULT), SLOW_MAX)
    declared = str(len(FIDELITY_PAGE)).encode()
    answer = reply(200, FIDELITY_PAGE[: len(FIDELITY_PAGE) // 2],
                   extra=[(b"Content-Length", declared)], length=False, close=True)
    answer.hang = seconds
    return answer


def many_headers(server, request: Request) -> Reply:
    """?count=N (default 50,000) distinct headers before a small page: a header block far over
    what any real server sends, and over the size `verify` accepts."""
    count = min(int(query_number(request, "count", 50_000)), MANY_HEADERS_MAX)
    extra = [(f"X-Filler-{number}".encode(), b"the same few words again") for number in
             range(count)]
    return reply(200, page("Many headers", "A page under a mountain of headers."), extra=extra)
