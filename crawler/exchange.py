"""Turn Scrapy's request and response into the plain exchange `archive` writes.

Scrapy keeps no raw status line and no raw header bytes, so the HTTP messages are rebuilt from
what it exposes: status, reason from the standard phrase, headers in arrival order with repeats
(names in Scrapy's Title-Case), and the body as received. warcinfo records say so.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response
from scrapy.http.headers import Headers

from archive.timeutil import utcnow
from archive.warc.records import HttpExchange

RECONSTRUCTION_NOTE = (
    "HTTP messages rebuilt from Scrapy: status line from the status code and its standard "
    "reason phrase; header names Title-Cased by Scrapy; repeated headers kept; bodies exactly "
    "as received (content-encoding kept, transfer-encoding removed with its header); "
    "Connection, Keep-Alive and Transfer-Encoding headers are consumed by Twisted and absent"
)


def header_list(headers: Headers) -> list[tuple[str, str]]:
    """Every header value in order, repeated names kept, bytes decoded losslessly."""
    pairs = []
    for name, values in headers.items():
        text_name = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        for value in headers.getlist(name):
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            pairs.append((text_name, text))
    return pairs


def exchange_from(request: Request, response: Response) -> HttpExchange:
    """The exchange as it went over the wire, as nearly as Scrapy lets us see it."""
    truncated = "length" if "dataloss" in (response.flags or []) else None
    return HttpExchange(
        url=response.url,
        status=response.status,
        response_headers=header_list(response.headers),
        body=response.body,
        fetched_at=utcnow(),
        method=request.method,
        request_headers=header_list(request.headers),
        request_body=request.body or b"",
        protocol=response.protocol or "HTTP/1.1",
        ip_address=str(response.ip_address) if response.ip_address is not None else None,
        truncated=truncated,
    )
