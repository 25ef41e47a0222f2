"""Check that a stored HTTP message agrees with its own headers.

`warcio check` looks at WARC digests only, so a record can claim `Transfer-Encoding: chunked`
over a body that was de-chunked (pywb#584), a Content-Length the body does not have, or
`Content-Encoding: gzip` over bytes that are not gzip (openwayback#395), and still pass.
These checks read the block as it streams past, buffering at most a bounded body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.limits import MAX_HTTP_HEADER_BYTES, MAX_RESPONSE_BYTES
from archive.verify.digests import DigestCheck
from archive.warc.inflate import (
    DecompressionLimitError,
    UndecodableBodyError,
    UnsupportedEncodingError,
    decode_body,
    encodings,
)

# Bodies up to this size are kept to check their framing and content coding; bigger ones get
# their digests checked only (and a note says so).
BODY_CHECK_BYTES = MAX_RESPONSE_BYTES
_STATUS_LINE = re.compile(rb"^HTTP/\d(\.\d)? (\d{3})( .*)?$")
_REQUEST_LINE = re.compile(rb"^([A-Z!#$%&'*+.^_`|~0-9-]+) (\S+) HTTP/\d(\.\d)?$")
_CHUNK_SIZE = re.compile(rb"^([0-9A-Fa-f]+)(;[^\r\n]*)?$")


@dataclass
class HttpFindings:
    """What the HTTP check of one record found."""

    defects: list[str] = field(default_factory=list)  # headers disagree with the body
    integrity: list[str] = field(default_factory=list)  # the payload digest does not match
    notes: list[str] = field(default_factory=list)
    status: int | None = None
    method: str | None = None
    empty_body_declared: int | None = None  # Content-Length of an empty body: HEAD or not?


class HttpBlock:
    """Consumes the block of a response, revisit or request record that holds HTTP."""

    def __init__(self, kind: str, payload_digest: DigestCheck | None, truncated: bool) -> None:
        self.kind = kind  # response | revisit | request
        self.payload_digest = payload_digest
        self.truncated = truncated
        self.head = bytearray()
        self.in_body = False
        self.head_too_big = False
        self.body_size = 0
        self.body = bytearray()
        self.body_kept = True

    def feed(self, data: bytes) -> None:
        if not self.in_body:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                if len(self.head) > MAX_HTTP_HEADER_BYTES:
                    self.head_too_big = True
                    self.in_body = True  # stop looking; reported at the end
                    self.head = self.head[:MAX_HTTP_HEADER_BYTES]
                return
            data = bytes(self.head[end + 4:])
            del self.head[end + 4:]
            self.in_body = True
        if not data:
            return
        self.body_size += len(data)
        if self.payload_digest is not None:
            self.payload_digest.update(data)
        if self.body_kept:
            if len(self.body) + len(data) > BODY_CHECK_BYTES:
                self.body_kept = False
                self.body = bytearray()
            else:
                self.body += data

    def finish(self) -> HttpFindings:
        found = HttpFindings()
        if self.head_too_big:
            found.defects.append(f"HTTP header block over {MAX_HTTP_HEADER_BYTES} bytes")
            return found
        if not self.in_body:
            found.defects.append("HTTP header block has no end (CRLF CRLF)")
            return found
        first, headers = _parse_head(bytes(self.head), found)
        if not self._first_line(first, found):
            return found
        if self.kind == "revisit":
            return found  # the block is the headers alone; the payload is the original's
        te_chunked = "chunked" in ",".join(headers.get("transfer-encoding", [])).lower()
        body = bytes(self.body) if self.body_kept else None
        entity = self._check_framing(te_chunked, body, found)
        self._check_payload_digest(te_chunked, entity, body, found)
        if self.kind == "response":
            self._check_length(headers, te_chunked, found)
            self._check_coding(headers, entity, found)
        if not self.body_kept:
            found.notes.append(f"body over {BODY_CHECK_BYTES} bytes: framing and content coding "
                               "not checked, digests checked")
        return found

    def _first_line(self, line: bytes, found: HttpFindings) -> bool:
        if self.kind == "request":
            match = _REQUEST_LINE.match(line)
            if not match:
                found.defects.append(f"HTTP request line unreadable: {line[:80]!r}")
                return False
            found.method = match.group(1).decode("ascii")
            return True
        match = _STATUS_LINE.match(line)
        if not match:
            found.defects.append(f"HTTP status line unreadable: {line[:80]!r}")
            return False
        found.status = int(match.group(2))
        return True

    def _check_framing(self, te_chunked: bool, body: bytes | None,
                       found: HttpFindings) -> bytes | None:
        """The entity (de-chunked if the body really is chunked); None if not kept."""
        if not te_chunked or body is None or self.truncated:
            return body
        entity = dechunk(body)
        if entity is None:
            found.defects.append("Transfer-Encoding: chunked, but the stored body is not chunked "
                                 "(a de-chunked body with the header left in place)")
            return body
        return entity

    def _check_payload_digest(self, te_chunked: bool, entity: bytes | None, body: bytes | None,
                              found: HttpFindings) -> None:
        digest = self.payload_digest
        if digest is None or digest.matches():
            return
        if te_chunked and entity is not None and entity is not body \
                and digest.matches_data(entity):
            return  # a raw chunked body, digested de-chunked as WARC 1.1 asks
        found.integrity.append(f"WARC-Payload-Digest does not match the HTTP body "
                               f"({digest.value})")

    def _check_length(self, headers: dict[str, list[str]], te_chunked: bool,
                      found: HttpFindings) -> None:
        values = {value.strip() for value in headers.get("content-length", [])}
        if not values or te_chunked or self.truncated:
            return
        if len(values) > 1:
            found.defects.append(f"conflicting HTTP Content-Length headers: {sorted(values)}")
            return
        value = values.pop()
        if not value.isdigit():
            found.defects.append(f"HTTP Content-Length {value[:40]!r} is not a number")
            return
        declared = int(value)
        if declared == self.body_size:
            return
        if self.body_size == 0 and (found.status in (204, 304) or (found.status or 0) < 200):
            return
        if self.body_size == 0:
            found.empty_body_declared = declared  # fine for a HEAD request: decided per file
            return
        found.defects.append(f"HTTP Content-Length says {declared} bytes, the stored body has "
                             f"{self.body_size} (and no WARC-Truncated)")

    def _check_coding(self, headers: dict[str, list[str]], entity: bytes | None,
                      found: HttpFindings) -> None:
        codings = encodings(headers.get("content-encoding", []))
        if not codings or entity is None or not entity or self.truncated:
            return
        try:
            decode_body(entity, codings)
        except UndecodableBodyError as exc:
            found.defects.append(f"Content-Encoding {', '.join(codings)}, but {exc}")
        except DecompressionLimitError as exc:
            found.notes.append(f"content coding not fully checked: {exc}")
        except UnsupportedEncodingError as exc:
            found.notes.append(f"content coding not checked: {exc}")


def _parse_head(head: bytes, found: HttpFindings) -> tuple[bytes, dict[str, list[str]]]:
    lines = head[:-4].split(b"\r\n") if head.endswith(b"\r\n\r\n") else head.split(b"\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep:
            if line[:1] in (b" ", b"\t"):
                continue  # an obsolete folded continuation line
            found.defects.append(f"HTTP header line without a colon: {line[:60]!r}")
            continue
        headers.setdefault(name.strip().decode("latin-1").lower(), []).append(
            value.strip().decode("latin-1"))
    return lines[0] if lines else b"", headers


def dechunk(body: bytes) -> bytes | None:
    """The entity of a chunked body, or None if `body` is not valid chunked framing.

    >>> dechunk(b"3\\r\\nabc\\r\\n0\\r\\n\\r\\n")
    b'abc'
    >>> dechunk(b"abc") is None
    True
    """
    out = bytearray()
    position = 0
    while True:
        end = body.find(b"\r\n", position)
        if end < 0:
            return None
        match = _CHUNK_SIZE.match(body[position:end].strip())
        if not match:
            return None
        size = int(match.group(1), 16)
        position = end + 2
        if size == 0:
            break
        if position + size + 2 > len(body) or body[position + size:position + size + 2] \
                != b"\r\n":
            return None
        out += body[position:position + size]
        position += size + 2
    # Optional trailer fields, then the final CRLF.
    while True:
        end = body.find(b"\r\n", position)
        if end < 0:
            return None
        if end == position:
            return bytes(out) if end + 2 == len(body) else None
        position = end + 2
