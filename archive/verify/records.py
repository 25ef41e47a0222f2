"""Check one WARC record as its bytes stream past: headers, length, digests, HTTP block.

A record is whole when its header block ends, exactly Content-Length bytes of block follow,
and then CRLF CRLF. Every digest present is recomputed; the fields a record needs to be read at
all (WARC 1.1 section 5, and per type: a target URI for captures, profile and referent for
revisits) must be there and parse. Other rules of WARC 1.1's field table are collected apart
(`rules`, see archive.verify.fieldrules): a record that breaks them still reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.limits import MAX_WARC_HEADER_BYTES
from archive.verify.digests import DigestCheck, DigestFormatError
from archive.verify.fieldrules import PROFILE_IDENTICAL, field_problems
from archive.verify.http import HttpBlock
from archive.warc.fields import check_target_uri, is_record_id, warc_date

MANDATORY = ("WARC-Record-ID", "Content-Length", "WARC-Date", "WARC-Type")
NEEDS_TARGET = {"response", "request", "revisit", "resource", "conversion", "continuation"}
_VERSION = re.compile(rb"^WARC/1\.[01]$")
_HTTP_TYPES = {"response", "revisit", "request"}
# What later checks (across files, against the index) read of a record; the rest of its
# headers are dropped once it is checked, so a big archive verifies in bounded memory.
KEPT_HEADERS = {"warc-record-id", "warc-type", "warc-target-uri", "warc-payload-digest",
                "warc-refers-to", "warc-profile", "warc-concurrent-to", "warc-date",
                "warc-refers-to-target-uri"}
WARCINFO_BYTES = 64 * 1024  # of a warcinfo block kept to read its fields (`software`, ...)


@dataclass
class RecordResult:
    """What checking one record found, and what the index check needs to know about it."""

    offset: int
    length: int = 0
    headers: dict[str, str] = field(default_factory=dict)  # first value of each header
    defects: list[str] = field(default_factory=list)  # the record is not whole and intact
    consistency: list[str] = field(default_factory=list)  # its HTTP headers contradict its body
    notes: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # WARC 1.1 field-table findings
    warcinfo: dict[str, str] = field(default_factory=dict)  # a warcinfo's own fields
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
        self.warcinfo_block: bytearray | None = None
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
                first_end = self.buffer.find(b"\n")
                if first_end > 0 and self.buffer[first_end - 1:first_end] == b"\r" and \
                        self.buffer[first_end - 2:first_end - 1] == b"\r":
                    self._break("WARC header lines end in CR CR LF, not CRLF (the file was "
                                "converted or damaged): the record cannot be delimited")
                    return b""
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
            what = "an unterminated WARC header (cut short, or not WARC)" if self.fed \
                else "nothing"
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
        fields: dict[str, list[str]] = {}
        last = None
        for line in lines[1:]:
            if line[:1] in (b" ", b"\t") and last is not None:
                fields[last][-1] += " " + line.strip().decode("utf-8", "replace")
                continue
            name, sep, value = line.partition(b":")
            if not sep or not name.strip():
                self.result.defects.append(f"malformed WARC header line {line[:60]!r}")
                continue
            last = name.strip().decode("utf-8", "replace").lower()
            fields.setdefault(last, []).append(value.strip().decode("utf-8", "replace"))
        self.result.headers = {name: values[0] for name, values in fields.items()}
        self._check_headers()
        kind = (self.result.get("WARC-Type") or "").lower()
        self.result.rules += field_problems(kind, fields)
        length = self.result.get("Content-Length") or ""
        if not length.isdigit():
            self._break(f"Content-Length {length[:40]!r} is not a number: the record cannot "
                        "be delimited")
            return False
        self.remaining = int(length)
        if kind == "warcinfo":
            self.warcinfo_block = bytearray()
        self._digests()
        self.state = "block"
        return True

    def _check_headers(self) -> None:
        """The fields a record must have, in a form that reads, for it to be read at all."""
        get = self.result.get
        problems = self.result.defects
        for name in MANDATORY:
            if not get(name):
                problems.append(f"mandatory header {name} is missing")
        kind = (get("WARC-Type") or "").lower()
        target = get("WARC-Target-URI")
        if kind in NEEDS_TARGET and not target:
            problems.append(f"a {kind} record needs WARC-Target-URI")
        elif kind in NEEDS_TARGET and target:
            try:
                check_target_uri(target)
            except ValueError as exc:
                problems.append(str(exc))
        if kind == "revisit":
            profile = get("WARC-Profile") or ""
            if not profile:
                problems.append("a revisit record needs WARC-Profile")
            if profile.endswith(PROFILE_IDENTICAL) and not get("WARC-Payload-Digest"):
                problems.append("an identical-payload-digest revisit needs WARC-Payload-Digest")
        date = get("WARC-Date")
        if date:
            try:
                warc_date(date)
            except ValueError as exc:
                problems.append(str(exc))
        record_id = get("WARC-Record-ID")
        if record_id and not is_record_id(record_id):
            problems.append(f"WARC-Record-ID {record_id[:60]!r} is not a <URI>")

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
        if self.warcinfo_block is not None and len(self.warcinfo_block) < WARCINFO_BYTES:
            self.warcinfo_block += piece[:WARCINFO_BYTES - len(self.warcinfo_block)]
        if self.block_digest is not None:
            self.block_digest.update(piece)
        if self.http is not None:
            self.http.feed(piece)
        elif self.payload_digest is not None:
            self.payload_digest.update(piece)  # not HTTP: the payload is the whole block

    def _complete(self) -> None:
        self.state = "done"
        result = self.result
        if self.warcinfo_block is not None:
            result.warcinfo = warc_fields(bytes(self.warcinfo_block))
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


def warc_fields(block: bytes) -> dict[str, str]:
    """The `name: value` lines of an application/warc-fields block (first value of each).

    >>> warc_fields(b"software: palimpsest/0.1.0\\r\\nformat: WARC File Format 1.1\\r\\n")
    {'software': 'palimpsest/0.1.0', 'format': 'WARC File Format 1.1'}
    """
    found: dict[str, str] = {}
    for line in block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip():
            found.setdefault(name.strip().lower(), value.strip())
    return found
