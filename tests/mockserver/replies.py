"""What an endpoint sees of a request, the reply it gives, and the helpers that build replies.

Endpoints (see routes.py) are plain functions ``endpoint(server, request, *groups)`` returning a
:class:`Reply`; the server (server.py) writes the reply byte by byte and records it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message
from email.utils import formatdate
from typing import NamedTuple

HTML = b"text/html; charset=utf-8"


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


def reply(
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


def page(title: str, text: str) -> bytes:
    """A minimal HTML page (the test site's own fixed text, so nothing needs escaping)."""
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1><p>{text}</p></body></html>\n"
    ).encode()


def not_found(what: str = "page") -> Reply:
    return reply(404, page("Not found", f"No such {what}."))


def query_number(request: Request, name: str, default: float) -> float:
    """The number in query parameter `name`, or `default` when it is absent or no number."""
    try:
        return float(request.query.get(name, [default])[0])
    except ValueError:
        return default
