"""Check one WARC record as its bytes stream past: headers, length, digests, HTTP block.

A record is whole when its header block ends, exactly Content-Length bytes of block follow,
and then CRLF CRLF. Every digest present is recomputed; mandatory headers (WARC 1.1 section 5,
and per type: a target URI for captures, profile and referent for revisits) must be there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.limits import MAX_WARC_HEADER_BYTES
from archive.verify.digests import DigestCheck, DigestFormatError
from archive.verify.http import HttpBlock

MANDATORY = ("WARC-Record-ID", "Content-Length", "WARC-Date", "WARC-Type")
NEEDS_TARGET = {"response", "request", "revisit", "resource", "conversion", "continuation"}
TRUNCATED_VALUES = {"length", "time", "disconnect", "unspecified"}
PROFILE_IDENTICAL = "/revisit/identical-payload-digest"
_VERSION = re.compile(rb"^WARC/1\.[01]$")
_DATE = re.compile(r"^\d{4}(-\d\d(-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,9})?)?Z)?)?)?$")
_RECORD_ID = re.compile(r"^<[^<>\s]+:[^<>\s]*>$")
_HTTP_TYPES = {"response", "revisit", "request"}
# What later checks (across files, against the index) read of a record; the rest of its
# headers are dropped once it is checked, so a big archive verifies in bounded memory.
KEPT_HEADERS = {"warc-record-id", "warc-type", "warc-target-uri", "warc-payload-digest",
                "warc-refers-to", "warc-profile", "warc-concurrent-to", "warc-date"}


@dataclass
class RecordResult:
    """What checking one record found, and what the index check needs to know about it."""

    offset: int
    length: int = 0
    headers: dict[str, str] = field(default_factory=dict)  # first value of each header
    defects: list[str] = field(default_factory=list)  # the record is not whole and intact
    consistency: list[str] = field(default_factory=list)  # its HTTP headers contradict its body
    notes: list[str] = field(default_factory=list)
    method: str | None = None  # request records: the HTTP method
    empty_body_declared: int | None = None  # see archive.verify.http.HttpFindings

    @property
    def ok(self) -> bool:
        """Whole and intact: framing, mandatory headers and digests (what an index may point
        at, and what crash recovery keeps). HTTP consistency is reported apart, because a
        faithful capture of a misbehaving server can contradict itself."""
        return not self.defects

    def get(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class RecordChecker:
    """Feed it the bytes from a record's first byte; it says when the record is complete."""

    def __init__(self, offset: int) -> None:
        self.result = RecordResult(offset)
        self.state = "head"
        self.buffer = bytearray()
        self.remaining = 0
        self.block_size = 0
        self.block_digest: DigestCheck | None = None
        self.payload_digest: DigestCheck | None = None
        self.http: HttpBlock | None = None
        self.fed = 0

    @property
    def done(self) -> bool:
        return self.state in ("done", "broken")

    def feed(self, data: bytes) -> bytes:
        """Consume bytes of this record; return what is left over once it is complete."""
        self.fed += len(data)
        if self.state == "head":
            self.buffer += data
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_WARC_HEADER_BYTES:
                    self._break(f"WARC header block over {MAX_WARC_HEADER_BYTES} bytes")
                return b""
            head, data = bytes(self.buffer[:end]), bytes(self.buffer[end + 4:])
            self.buffer = bytearray()
            if not self._start(head):
                return b""
        if self.state == "block":
            piece, data = data[:self.remaining], data[self.remaining:]
            self._block(piece)
            if self.remaining:
                return b""
            self.state = "tail"
        if self.state == "tail":
            self.buffer += data
            if len(self.buffer) < 4:
                return b""
            if bytes(self.buffer[:4]) != b"\r\n\r\n":
                self.result.defects.append("record block is not followed by CRLF CRLF "
                                           "(Content-Length does not match the block)")
            leftover = bytes(self.buffer[4:])
            self.buffer = bytearray()
            self._complete()
            return leftover
        return b""

    def finish(self) -> RecordResult:
        """Close the record at the end of its member (or file); report what is missing."""
        self.result.headers = {name: value for name, value in self.result.headers.items()
                               if name in KEPT_HEADERS}
        if self.state == "head":
            what = "an unterminated WARC header" if self.fed else "nothing"
            self.result.defects.append(f"record incomplete: the data holds {what}")
        elif self.state == "block":
            self.result.defects.append(
                f"record truncated: {self.block_size} of {self.block_size + self.remaining} "
                "block bytes present (or the record is split across gzip members)")
        elif self.state == "tail":
            self.result.defects.append("record truncated: the closing CRLF CRLF is missing")
        return self.result

    # -- stages -------------------------------------------------------------------------------

    def _start(self, head: bytes) -> bool:
        lines = head.split(b"\r\n")
        if not _VERSION.match(lines[0]):
            self._break(f"not a WARC/1.0 or WARC/1.1 record: starts {lines[0][:40]!r}")
            return False
        headers = self.result.headers
        last = None
        for line in lines[1:]:
            if line[:1] in (b" ", b"\t") and last is not None:
                headers[last] += " " + line.strip().decode("utf-8", "replace")
                continue
            name, sep, value = line.partition(b":")
            if not sep or not name.strip():
                self.result.defects.append(f"malformed WARC header line {line[:60]!r}")
                continue
            last = name.strip().decode("utf-8", "replace").lower()
            headers.setdefault(last, value.strip().decode("utf-8", "replace"))
        self._check_headers()
        length = self.result.get("Content-Length") or ""
        if not length.isdigit():
            self._break(f"Content-Length {length[:40]!r} is not a number: the record cannot "
                        "be delimited")
            return False
        self.remaining = int(length)
        self._digests()
        self.state = "block"
        return True

    def _check_headers(self) -> None:
        get = self.result.get
        problems = self.result.defects
        for name in MANDATORY:
            if not get(name):
                problems.append(f"mandatory header {name} is missing")
        kind = (get("WARC-Type") or "").lower()
        if kind in NEEDS_TARGET and not get("WARC-Target-URI"):
            problems.append(f"a {kind} record needs WARC-Target-URI")
        if kind == "revisit":
            profile = get("WARC-Profile") or ""
            if not profile:
                problems.append("a revisit record needs WARC-Profile")
            if profile.endswith(PROFILE_IDENTICAL):
                for name in ("WARC-Refers-To", "WARC-Payload-Digest"):
                    if not get(name):
                        problems.append(f"an identical-payload-digest revisit needs {name}")
        date = get("WARC-Date")
        if date and not _DATE.match(date):
            problems.append(f"WARC-Date {date[:40]!r} is not a W3C-DTF date")
        record_id = get("WARC-Record-ID")
        if record_id and not _RECORD_ID.match(record_id):
            problems.append(f"WARC-Record-ID {record_id[:60]!r} is not a <URI>")
        truncated = get("WARC-Truncated")
        if truncated and truncated.lower() not in TRUNCATED_VALUES:
            problems.append(f"WARC-Truncated {truncated[:40]!r} is not one of "
                            f"{', '.join(sorted(TRUNCATED_VALUES))}")

    def _digests(self) -> None:
        get = self.result.get
        kind = (get("WARC-Type") or "").lower()
        for name, attribute in (("WARC-Block-Digest", "block_digest"),
                                ("WARC-Payload-Digest", "payload_digest")):
            value = get(name)
            if not value:
                continue
            if name == "WARC-Payload-Digest" and kind == "revisit":
                continue  # the original's payload: checked against it across the data folder
            try:
                setattr(self, attribute, DigestCheck(value))
            except DigestFormatError as exc:
                self.result.defects.append(f"{name}: {exc}")
        content_type = (get("Content-Type") or "").lower()
        if kind in _HTTP_TYPES and content_type.startswith("application/http"):
            self.http = HttpBlock(kind, self.payload_digest, bool(get("WARC-Truncated")))

    def _block(self, piece: bytes) -> None:
        self.remaining -= len(piece)
        self.block_size += len(piece)
        if self.block_digest is not None:
            self.block_digest.update(piece)
        if self.http is not None:
            self.http.feed(piece)
        elif self.payload_digest is not None:
            self.payload_digest.update(piece)  # not HTTP: the payload is the whole block

    def _complete(self) -> None:
        self.state = "done"
        result = self.result
        if self.block_digest is not None and not self.block_digest.matches():
            result.defects.append(
                f"WARC-Block-Digest does not match the block ({self.block_digest.value})")
        if self.http is not None:
            found = self.http.finish()
            result.defects += found.integrity
            result.consistency += found.defects
            result.notes += found.notes
            result.method = found.method
            result.empty_body_declared = found.empty_body_declared
        elif self.payload_digest is not None and not self.payload_digest.matches():
            result.defects.append(
                f"WARC-Payload-Digest does not match the block ({self.payload_digest.value})")

    def _break(self, message: str) -> None:
        self.result.defects.append(message)
        self.state = "broken"
