"""Walk the gzip members of a file strictly: every member whole, CRC and length right.

`warcio check` and most readers stop quietly at a truncated member (warcio#138), so this reads
the gzip framing itself (RFC 1952): header, deflate stream, then the 8-byte trailer, whose
CRC-32 and length it checks. It yields events instead of whole members, so memory stays
bounded whatever a record's size or compression ratio.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import IO, Generator, Iterator, Union

_READ = 1 << 20
_FIRST_STEP = 1024  # compressed bytes first handed to the inflater for a member; doubles
_OUT_STEP = 1 << 20
_MAX_NAME = 64 * 1024
_FTEXT, _FHCRC, _FEXTRA, _FNAME, _FCOMMENT = 1, 2, 4, 8, 16
_RESERVED_FLAGS = 0xE0


@dataclass(frozen=True)
class MemberStart:
    offset: int


@dataclass(frozen=True)
class MemberData:
    data: bytes


@dataclass(frozen=True)
class MemberEnd:
    offset: int
    length: int


@dataclass(frozen=True)
class GzipDefect:
    """A problem at `offset`; `fatal` ones end the walk (the next member cannot be found). A
    `quirk` is a header some readers reject although the data is intact."""

    offset: int
    message: str
    fatal: bool
    quirk: bool = False


Event = Union[MemberStart, MemberData, MemberEnd, GzipDefect]


class _Window:
    """A sliding window over a stream, with the file offset of every byte."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.data = b""
        self.pos = 0
        self.base = 0
        self.exhausted = False

    @property
    def offset(self) -> int:
        return self.base + self.pos

    def available(self) -> int:
        return len(self.data) - self.pos

    def need(self, count: int) -> bool:
        while self.available() < count and not self.exhausted:
            more = self.stream.read(max(_READ, count))
            if not more:
                self.exhausted = True
                break
            self.base += self.pos
            self.data = self.data[self.pos:] + more
            self.pos = 0
        return self.available() >= count

    def take(self, count: int) -> bytes:
        piece = self.data[self.pos:self.pos + count]
        self.pos += len(piece)
        return piece

    def unread(self, count: int) -> None:
        self.pos -= count


def walk(stream: IO[bytes], start: int = 0) -> Iterator[Event]:
    """Events for each member of a gzip stream, in order, stopping at the first fatal defect.
    The stream is at byte `start` of its file: offsets are the file's."""
    window = _Window(stream)
    window.base = start
    while True:
        start = window.offset
        if not window.need(1):
            return  # a clean end: the last member was complete
        if not window.need(2) or window.data[window.pos:window.pos + 2] != b"\x1f\x8b":
            window.need(_READ)
            yield GzipDefect(start, f"{window.available()}+ bytes after the last complete gzip "
                                    "member are not gzip (trailing garbage)", True)
            return
        yield MemberStart(start)
        header = yield from _header(window, start)
        if header is None:
            return
        ok = yield from _body_and_trailer(window, start)
        if not ok:
            return
        yield MemberEnd(start, window.offset - start)


def _header(window: _Window, start: int) -> Generator[GzipDefect, None, bytes | None]:
    """Read and check a member header; None (after a fatal defect) when it cannot be read."""
    if not window.need(10):
        yield GzipDefect(start, "gzip header truncated", True)
        return None
    raw = window.take(10)
    method, flags = raw[2], raw[3]
    if method != 8:
        yield GzipDefect(start, f"gzip compression method {method} is not deflate", True)
        return None
    if flags & _RESERVED_FLAGS:
        yield GzipDefect(start, f"gzip header sets reserved flag bits ({flags:#04x})", False)
    header = bytearray(raw)
    if flags & _FEXTRA:
        if not window.need(2):
            yield GzipDefect(start, "gzip FEXTRA length truncated", True)
            return None
        length_bytes = window.take(2)
        (xlen,) = struct.unpack("<H", length_bytes)
        if not window.need(xlen):
            yield GzipDefect(start, "gzip FEXTRA field truncated", True)
            return None
        extra = window.take(xlen)
        header += length_bytes + extra
        if not _subfields_ok(extra):
            yield GzipDefect(start, "gzip FEXTRA subfields do not add up to its length "
                                    "(readers such as the Internet Archive's reject it)", False,
                             quirk=True)
    for flag, name in ((_FNAME, "FNAME"), (_FCOMMENT, "FCOMMENT")):
        if flags & flag:
            text = yield from _zero_terminated(window, start, name)
            if text is None:
                return None
            header += text
    if flags & _FHCRC:
        if not window.need(2):
            yield GzipDefect(start, "gzip header CRC truncated", True)
            return None
        (stored,) = struct.unpack("<H", window.take(2))
        if stored != zlib.crc32(bytes(header)) & 0xFFFF:
            yield GzipDefect(start, "gzip header CRC does not match", False)
    return bytes(header)


def _zero_terminated(window: _Window, start: int,
                     name: str) -> Generator[GzipDefect, None, bytes | None]:
    collected = bytearray()
    while len(collected) <= _MAX_NAME:
        if not window.need(1):
            yield GzipDefect(start, f"gzip {name} field truncated", True)
            return None
        byte = window.take(1)
        collected += byte
        if byte == b"\x00":
            return bytes(collected)
    yield GzipDefect(start, f"gzip {name} field over {_MAX_NAME} bytes", True)
    return None


def _subfields_ok(extra: bytes) -> bool:
    position = 0
    while position < len(extra):
        if position + 4 > len(extra):
            return False
        (length,) = struct.unpack("<H", extra[position + 2:position + 4])
        position += 4 + length
    return position == len(extra)


def _body_and_trailer(window: _Window,
                      start: int) -> Generator[GzipDefect | MemberData, None, bool]:
    """Inflate one member's deflate stream, then check its trailer. False after a fatal defect."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    crc = 0
    size = 0
    step = _FIRST_STEP
    while not inflater.eof:
        if not window.need(1):
            yield GzipDefect(start, f"gzip member truncated: the compressed data stops at byte "
                                    f"{window.offset - start} of the member, unfinished", True)
            return False
        # A slice at a time, growing: taking the whole window (a megabyte) copied it, and
        # inflated up to it, once per member, so a file of tiny records cost a megabyte each.
        chunk = window.take(min(window.available(), step))
        step = min(step * 2, _READ)
        try:
            out = inflater.decompress(chunk, _OUT_STEP)
            while True:
                if out:
                    crc = zlib.crc32(out, crc)
                    size += len(out)
                    yield MemberData(out)
                if not inflater.unconsumed_tail or inflater.eof:
                    break
                out = inflater.decompress(inflater.unconsumed_tail, _OUT_STEP)
        except zlib.error as exc:
            yield GzipDefect(start, f"gzip member corrupt: {exc}", True)
            return False
        # mypy keeps `eof` False from the loop's condition; decompress() above can set it.
        if inflater.eof:
            window.unread(len(inflater.unused_data))  # type: ignore[unreachable]
    if not window.need(8):
        yield GzipDefect(start, "gzip trailer missing or short: the deflate data is complete but "
                                "the CRC-32 and length are not there", True)
        return False
    stored_crc, stored_size = struct.unpack("<II", window.take(8))
    if stored_crc != crc:
        yield GzipDefect(start, "gzip CRC-32 does not match the data", False)
    if stored_size != size & 0xFFFFFFFF:
        yield GzipDefect(start, f"gzip length field says {stored_size} bytes, the data has "
                                f"{size}", False)
    return True
