"""Undo a body's Content-Encoding with a hard cap on the output: no decompression bomb passes.

Used wherever a stored body is decoded outside the crawl (verify, and replay or diff helpers).
Output is produced a bounded step at a time, so memory stays within the cap whatever the
compression ratio.
"""

from __future__ import annotations

import zlib
from typing import Iterable

from archive.limits import MAX_DECOMPRESSED_BYTES

_STEP = 256 * 1024


class DecompressionLimitError(ValueError):
    """The body inflates past the cap (a bomb, or simply too big to handle here)."""


class UndecodableBodyError(ValueError):
    """The body is not valid data in the encoding its Content-Encoding names."""


class UnsupportedEncodingError(ValueError):
    """No decoder for this Content-Encoding is installed (brotli or zstd)."""


def encodings(header_values: Iterable[str]) -> list[str]:
    """The content codings of a Content-Encoding header, in the order they were applied.

    >>> encodings(["gzip, identity", "br"])
    ['gzip', 'br']
    """
    found = []
    for value in header_values:
        for token in value.split(","):
            token = token.strip().lower()
            if token and token != "identity":
                found.append(token)
    return found


def decode_body(body: bytes, codings: list[str], limit: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """`body` with its content codings undone (last applied first), at most `limit` bytes.

    >>> import gzip
    >>> decode_body(gzip.compress(b"hello"), ["gzip"])
    b'hello'
    """
    for coding in reversed(codings):
        body = decode_one(body, coding, limit)
    return body


def decode_one(body: bytes, coding: str, limit: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """Undo one content coding, bounded by `limit` output bytes."""
    if coding in ("gzip", "x-gzip"):
        return _zlib(body, zlib.MAX_WBITS | 16, coding, limit)
    if coding == "deflate":
        # "deflate" is zlib-wrapped by the RFC but raw deflate from many servers.
        try:
            return _zlib(body, zlib.MAX_WBITS, coding, limit)
        except UndecodableBodyError:
            return _zlib(body, -zlib.MAX_WBITS, coding, limit)
    if coding == "br":
        return _brotli(body, limit)
    if coding == "zstd":
        return _zstd(body, limit)
    raise UnsupportedEncodingError(f"unknown content coding {coding!r}")


def _zlib(body: bytes, wbits: int, coding: str, limit: int) -> bytes:
    out = bytearray()
    data = body
    while True:
        inflater = zlib.decompressobj(wbits)
        try:
            while True:
                chunk = inflater.decompress(data, _STEP)
                out += chunk
                if len(out) > limit:
                    raise DecompressionLimitError(f"{coding} body inflates past {limit} bytes")
                data = inflater.unconsumed_tail
                if inflater.eof or (not data and not chunk):
                    break
        except zlib.error as exc:
            raise UndecodableBodyError(f"{coding} body does not inflate: {exc}") from None
        if not inflater.eof:
            raise UndecodableBodyError(f"{coding} body ends before its compressed stream does")
        data = inflater.unused_data
        # Another gzip member follows (valid gzip); anything else after the end is ignored,
        # as browsers ignore it.
        if not (wbits & 16 and data.startswith(b"\x1f\x8b")):
            return bytes(out)


def _brotli(body: bytes, limit: int) -> bytes:
    try:
        import brotli  # installed with Scrapy
    except ImportError:
        raise UnsupportedEncodingError("no brotli decoder installed") from None
    decoder = brotli.Decompressor()
    out = bytearray()
    try:
        # brotli >= 1.2 yields bounded steps; it keeps the input until asked for more output.
        out += decoder.process(body, output_buffer_limit=_STEP)
        while len(out) <= limit and not decoder.is_finished() \
                and not decoder.can_accept_more_data():
            out += decoder.process(b"", output_buffer_limit=_STEP)
    except brotli.error as exc:
        raise UndecodableBodyError(f"br body does not decode: {exc}") from None
    if len(out) > limit:
        raise DecompressionLimitError(f"br body inflates past {limit} bytes")
    if not decoder.is_finished():
        raise UndecodableBodyError("br body ends before its compressed stream does")
    return bytes(out)


def _zstd(body: bytes, limit: int) -> bytes:
    try:
        # Python 3.14's module; mypy checks the code as Python 3.11, which has none.
        from compression import zstd  # type: ignore[import-not-found]
    except ImportError:
        try:
            from backports import zstd  # installed with Scrapy
        except ImportError:
            raise UnsupportedEncodingError("no zstd decoder installed") from None
    out = bytearray()
    data = body
    try:
        while data:
            decoder = zstd.ZstdDecompressor()
            out += decoder.decompress(data, max_length=_STEP)
            while len(out) <= limit and not decoder.eof and not decoder.needs_input:
                out += decoder.decompress(b"", max_length=_STEP)
            if len(out) > limit:
                raise DecompressionLimitError(f"zstd body inflates past {limit} bytes")
            if not decoder.eof:
                raise UndecodableBodyError("zstd body ends before its compressed stream does")
            data = decoder.unused_data  # zstd frames may follow one another
    except zstd.ZstdError as exc:
        raise UndecodableBodyError(f"zstd body does not decode: {exc}") from None
    return bytes(out)
