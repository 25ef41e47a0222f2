"""Build WARC/1.1 records from plain data (no Scrapy objects), with warcio.

The record factory takes the exchange as it was received: header names and values as bytes
decoded latin-1 (a lossless round trip), the body still content-encoded. HTTP header blocks are
written back byte for byte; warcio would otherwise percent-encode non-ASCII header values.
Record IDs and dates come from injectable callables so tests can produce byte-exact records.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from io import BytesIO
from typing import Any, Callable
from urllib.parse import urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

from archive.timeutil import to_iso, utcnow

PROFILE_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
PAGEINFO_PREFIX = "urn:pageinfo:"
TEXT_PREFIX = "urn:text:"
VIEW_PREFIX = "urn:view:"  # a screenshot of a capture (resource record), as Browsertrix names it
VIEWINFO_PREFIX = "urn:viewinfo:"  # which capture a screenshot shows, or why there is none
# A warcinfo field of every file Palimpsest writes from this version on: its records follow
# WARC 1.1's field rules, which `palimpsest verify` then enforces as defects. Files without it
# (other tools', or Palimpsest's before metadata and text records stopped carrying
# WARC-Refers-To-Target-URI) get notes instead.
LAYOUT_FIELD = "palimpsest-layout"
LAYOUT_VERSION = "2"

Headers = list[tuple[str, str]]


@dataclass
class HttpExchange:
    """One request and the response to it, as sent and as received."""

    url: str
    status: int
    response_headers: Headers
    body: bytes  # the entity as received: content-encoding kept, transfer-chunking removed
    fetched_at: datetime = field(default_factory=utcnow)
    method: str = "GET"
    request_headers: Headers = field(default_factory=list)
    request_body: bytes = b""
    protocol: str = "HTTP/1.1"
    reason: str | None = None
    ip_address: str | None = None
    truncated: str | None = None  # WARC-Truncated reason: length | time | disconnect

    def status_line(self) -> str:
        reason = self.reason
        if reason is None:
            try:
                reason = HTTPStatus(self.status).phrase
            except ValueError:
                reason = ""
        return f"{self.status} {reason}".rstrip()


    def response_head_bytes(self) -> int:
        """The size of the response's HTTP header block as written (status line, headers,
        the blank line): what `verify` holds to archive.limits.MAX_HTTP_HEADER_BYTES."""
        first = len(f"{self.protocol} {self.status_line()}".encode("latin-1", "replace"))
        lines = sum(len(name) + 2 + len(value) + 2 for name, value in self.response_headers)
        return first + 2 + lines + 2


@dataclass(frozen=True)
class CaptureRef:
    """An earlier record another record points at (WARC-Refers-To and friends)."""

    record_id: str
    url: str
    date: str  # WARC-Date of the referenced record
    payload_digest: str | None = None


class _ExactHeaders(StatusAndHeaders):
    """Status line and headers written back exactly, one byte per latin-1 character."""

    def compute_headers_buffer(self, header_filter: object = None) -> None:
        first = " ".join(part for part in (self.protocol, self.statusline) if part)
        lines = [first] + [f"{name}: {value}" for name, value in self.headers]
        self.headers_buff = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class RecordFactory:
    """Makes every kind of record Palimpsest writes."""

    def __init__(
        self,
        make_id: Callable[[], str] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._make_id = make_id or (lambda: f"<urn:uuid:{uuid.uuid4()}>")
        self._clock = clock
        self._builder = RecordBuilder(warc_version="1.1")

    def new_id(self) -> str:
        """A fresh `<urn:uuid:…>` record ID."""
        return self._make_id()

    def now(self) -> str:
        """The current time as a WARC-Date."""
        return to_iso(self._clock())

    def warcinfo(self, filename: str, fields: dict[str, str]) -> ArcWarcRecord:
        """The record that opens every file: software, format, crawl settings."""
        fields = {**fields, LAYOUT_FIELD: LAYOUT_VERSION}
        payload = "".join(f"{name}: {value}\r\n" for name, value in fields.items() if value)
        body = payload.encode("utf-8")
        headers = {
            "WARC-Record-ID": self.new_id(),
            "WARC-Date": self.now(),
            "WARC-Filename": filename,
        }
        return self._builder.create_warc_record(
            "", "warcinfo", payload=BytesIO(body), length=len(body),
            warc_content_type="application/warc-fields", warc_headers_dict=headers,
        )

    def request(self, ex: HttpExchange, record_id: str, concurrent_to: str) -> ArcWarcRecord:
        """The request as sent (reconstructed: Scrapy exposes no raw request bytes)."""
        parts = urlsplit(ex.url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        names = {name.lower() for name, _ in ex.request_headers}
        headers = list(ex.request_headers)
        if "host" not in names:
            headers.insert(0, ("Host", parts.netloc))
        http = _ExactHeaders(f"{ex.method} {target} {ex.protocol}", headers, protocol="",
                             is_http_request=True)
        warc_headers = self._exchange_headers(ex, record_id)
        warc_headers["WARC-Concurrent-To"] = concurrent_to
        return self._builder.create_warc_record(
            ex.url, "request", payload=BytesIO(ex.request_body), length=len(ex.request_body),
            http_headers=http, warc_headers_dict=warc_headers,
        )

    def response(self, ex: HttpExchange, record_id: str,
                 payload_digest: str | None = None) -> ArcWarcRecord:
        """The response with its body as received. warcio computes the block digest, and the
        payload digest unless the caller has it already (archive.archiver.payload_digest:
        the same sha1 of the same bytes, so the body is not hashed twice)."""
        http = _ExactHeaders(ex.status_line(), list(ex.response_headers), protocol=ex.protocol)
        warc_headers = self._exchange_headers(ex, record_id)
        if payload_digest:
            warc_headers["WARC-Payload-Digest"] = payload_digest
        if ex.truncated:
            warc_headers["WARC-Truncated"] = ex.truncated
        return self._builder.create_warc_record(
            ex.url, "response", payload=BytesIO(ex.body), length=len(ex.body),
            http_headers=http, warc_headers_dict=warc_headers,
        )

    def revisit_identical(
        self, ex: HttpExchange, record_id: str, original: CaptureRef
    ) -> ArcWarcRecord:
        """A capture whose payload equals an earlier one: headers only, body by reference."""
        http = _ExactHeaders(ex.status_line(), list(ex.response_headers), protocol=ex.protocol)
        warc_headers = self._exchange_headers(ex, record_id)
        record = self._builder.create_warc_record(
            ex.url, "revisit", http_headers=http, warc_headers_dict=warc_headers,
        )
        _refer(record, original)
        record.rec_headers.add_header("WARC-Profile", PROFILE_IDENTICAL)
        record.rec_headers.add_header("WARC-Payload-Digest", original.payload_digest)
        # The block holds the HTTP headers but not the payload (WARC 1.1 section 6.7.2).
        record.rec_headers.add_header("WARC-Truncated", "length")
        return record

    def revisit_not_modified(
        self, ex: HttpExchange, record_id: str, original: CaptureRef | None
    ) -> ArcWarcRecord:
        """A 304 answer to a conditional request."""
        http = _ExactHeaders(ex.status_line(), list(ex.response_headers), protocol=ex.protocol)
        warc_headers = self._exchange_headers(ex, record_id)
        record = self._builder.create_warc_record(
            ex.url, "revisit", http_headers=http, warc_headers_dict=warc_headers,
        )
        if original is not None:
            _refer(record, original)
        record.rec_headers.add_header("WARC-Profile", PROFILE_NOT_MODIFIED)
        return record

    def metadata(self, url: str, refers_to: str, data: dict[str, Any], date: str) -> ArcWarcRecord:
        """JSON about a capture (text hash, extraction, citations), kept off the page's URI."""
        body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return self._side_record(PAGEINFO_PREFIX + url, "metadata", refers_to, body,
                                 "application/json", date)

    def conversion(self, url: str, refers_to: str, text: str, date: str) -> ArcWarcRecord:
        """The extracted article text, written once per new version."""
        return self._side_record(TEXT_PREFIX + url, "conversion", refers_to,
                                 text.encode("utf-8"), "text/plain; charset=utf-8", date)

    def view(self, url: str, image: bytes, content_type: str) -> ArcWarcRecord:
        """A screenshot of a capture, as a `resource` at `urn:view:<url>` (Browsertrix's
        name). WARC 1.1 forbids WARC-Refers-To on a resource, and it was not made in the
        capture event, so the viewinfo record that follows it says which capture it shows."""
        headers = {"WARC-Record-ID": self.new_id(), "WARC-Date": self.now()}
        return self._builder.create_warc_record(
            VIEW_PREFIX + url, "resource", payload=BytesIO(image), length=len(image),
            warc_content_type=content_type, warc_headers_dict=headers)

    def viewinfo(self, url: str, refers_to: str, data: dict[str, Any], date: str) -> ArcWarcRecord:
        """Which capture a screenshot shows (WARC-Refers-To it), how it was made, or why
        there is none: JSON at `urn:viewinfo:<url>`."""
        body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        headers = {"WARC-Record-ID": self.new_id(), "WARC-Date": date,
                   "WARC-Refers-To": refers_to}
        return self._builder.create_warc_record(
            VIEWINFO_PREFIX + url, "metadata", payload=BytesIO(body), length=len(body),
            warc_content_type="application/json", warc_headers_dict=headers)

    def _side_record(self, uri: str, kind: str, refers_to: str, body: bytes, content_type: str,
                     date: str) -> ArcWarcRecord:
        # The page's URL is in the `urn:` target; WARC-Refers-To-Target-URI is for revisits
        # only (WARC 1.1: "shall not be used in ... 'metadata', 'conversion' ... records").
        headers = {
            "WARC-Record-ID": self.new_id(),
            "WARC-Date": date,
            "WARC-Refers-To": refers_to,
        }
        return self._builder.create_warc_record(
            uri, kind, payload=BytesIO(body), length=len(body),
            warc_content_type=content_type, warc_headers_dict=headers,
        )

    @staticmethod
    def _exchange_headers(ex: HttpExchange, record_id: str) -> dict[str, str]:
        headers = {"WARC-Record-ID": record_id, "WARC-Date": to_iso(ex.fetched_at)}
        if ex.ip_address:
            headers["WARC-IP-Address"] = ex.ip_address
        return headers


def _refer(record: ArcWarcRecord, original: CaptureRef) -> None:
    record.rec_headers.add_header("WARC-Refers-To", original.record_id)
    record.rec_headers.add_header("WARC-Refers-To-Target-URI", original.url)
    record.rec_headers.add_header("WARC-Refers-To-Date", original.date)
