"""The body of an archived response with its transfer and content codings undone, capped.

warcio undoes chunking, gzip and deflate itself, and Brotli only through the brotlipy module:
with Google's Brotli (the one Scrapy uses) its `br` decoder fails to start, so that coding is
decoded here. Every route stops a little past `limit` bytes of output, whatever the compression
ratio: a decompression bomb costs no more memory than an honest page.
"""

from __future__ import annotations

from typing import Any

from warcio.bufferedreaders import ChunkedDataReader
from warcio.recordloader import ArcWarcRecord

_CHUNK = 1 << 16


def decoded_body(record: ArcWarcRecord, limit: int) -> bytes | None:
    """At most `limit` + 1 bytes of the decoded body (more than `limit` means "too big"), or
    None when the body does not decode."""
    headers = record.http_headers
    coding = (headers.get_header("Content-Encoding") or "").strip().lower()
    try:
        if coding == "br":
            chunked = (headers.get_header("Transfer-Encoding") or "").lower() == "chunked"
            stream = ChunkedDataReader(record.raw_stream) if chunked else record.raw_stream
            return _unbrotli(stream, limit)
        body: bytes = record.content_stream().read(limit + 1)
        return body
    except (OSError, EOFError, ValueError):
        return None


def _unbrotli(stream: Any, limit: int) -> bytes | None:  # a warcio reader (unannotated)
    import brotli  # Scrapy's dependency; only needed for this coding

    decompressor = brotli.Decompressor()
    out = bytearray()
    try:
        while len(out) <= limit:
            if decompressor.can_accept_more_data():
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
            else:
                chunk = b""  # drain what the last call held back
            out += decompressor.process(chunk, output_buffer_limit=limit + 1 - len(out))
    except brotli.error:
        return None
    return bytes(out[: limit + 1])
