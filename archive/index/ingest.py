"""Turn WARC records into index rows. The crawl, import and `reindex` all go through here.

Because the live crawl indexes each record with the same code that rebuilds the index from the
files, a rebuilt index equals the one the crawl made: the WARCs are the only source of truth.

Every row is of one lineage, crawled here or imported (decided by the file's name, see
archive/store/provenance.py), and lineages never mix: an imported capture never moves a crawled
page's schedule, role or versions, and a description (`urn:pageinfo:`, `urn:text:`) counts
only when its file may speak for the capture it names; one that may not is kept in its WARC,
left out of the index and counted (`Ingestor.ignored`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from warcio.recordloader import ArcWarcRecord

from archive.index.base import Capture, Index, MetadataHeadlines
from archive.index.resources import View
from archive.index.versioning import FIRST_FAILED, NOT_ARTICLE, is_change, text_outcome
from archive.limits import MAX_RECORD_TEXT_BYTES
from archive.store.provenance import CRAWL_LINEAGE, FileOrigin, file_origin, may_describe
from archive.timeutil import parse_when, to_iso
from archive.warc.fields import index_time, target_uri
from archive.warc.records import (
    PAGEINFO_PREFIX,
    PROFILE_NOT_MODIFIED,
    TEXT_PREFIX,
    VIEW_PREFIX,
    VIEWINFO_PREFIX,
)

logger = logging.getLogger(__name__)

MAX_METADATA_BYTES = 4 * 1024 * 1024
LASTMOD_SKEW = timedelta(minutes=10)  # publishers' clocks run a little fast, sometimes


@dataclass
class RecordInfo:
    """What indexing needs from one record, whether just written or read back from a file."""

    warc_type: str
    target_uri: str
    record_id: str
    date: str
    filename: str
    offset: int
    length: int
    refers_to: str | None = None
    refers_to_target: str | None = None
    profile: str | None = None
    payload_digest: str | None = None
    truncated: str | None = None
    status: int | None = None
    http_headers: dict[str, str] = field(default_factory=dict)  # lower-case names, first value
    data: dict[str, Any] | None = None  # the JSON of a pageinfo (or viewinfo) metadata record
    content_type: str | None = None  # of a resource record's block
    text: str | None = None   # the extracted text of a conversion record (for search)

    @classmethod
    def from_record(cls, record: ArcWarcRecord, filename: str, offset: int, length: int,
                    data: dict[str, Any] | None = None, text: str | None = None) -> "RecordInfo":
        """Read the fields from a warcio record (its payload is read only for pageinfo JSON)."""
        get = record.rec_headers.get_header
        info = cls(
            warc_type=record.rec_type,
            target_uri=target_uri(get("WARC-Target-URI") or ""),
            record_id=get("WARC-Record-ID") or "",
            # The strict reader has checked the date before anything is indexed.
            date=index_time(get("WARC-Date") or ""),
            filename=filename,
            offset=offset,
            length=length,
            refers_to=get("WARC-Refers-To"),
            refers_to_target=target_uri(get("WARC-Refers-To-Target-URI") or "") or None,
            profile=get("WARC-Profile"),
            payload_digest=get("WARC-Payload-Digest"),
            truncated=get("WARC-Truncated"),
            data=data,
            text=text,
        )
        if record.http_headers is not None and record.rec_type in ("response", "revisit"):
            statusline = record.http_headers.get_statuscode()
            info.status = int(statusline) if statusline and statusline.isdigit() else None
            for name, value in record.http_headers.headers:
                info.http_headers.setdefault(name.lower(), value)
        if record.rec_type == "resource":
            info.content_type = get("Content-Type")
        if (data is None and record.rec_type == "metadata"
                and info.target_uri.startswith((PAGEINFO_PREFIX, VIEWINFO_PREFIX))):
            raw = record.content_stream().read(MAX_METADATA_BYTES + 1)
            if len(raw) > MAX_METADATA_BYTES:
                logger.warning("pageinfo record %s is over %d bytes; skipped",
                               info.record_id, MAX_METADATA_BYTES)
            else:
                try:
                    info.data = json.loads(raw)
                except ValueError:
                    logger.warning("pageinfo record %s holds no valid JSON; skipped",
                                   info.record_id)
        if (text is None and record.rec_type == "conversion"
                and info.target_uri.startswith(TEXT_PREFIX)):
            raw = record.content_stream().read(MAX_RECORD_TEXT_BYTES + 1)
            if len(raw) > MAX_RECORD_TEXT_BYTES:
                logger.warning("text record %s is over %d bytes; not searchable",
                               info.record_id, MAX_RECORD_TEXT_BYTES)
            else:
                info.text = raw.decode("utf-8", errors="replace")
        return info


def usable_lastmod(stamp: object, listed_at: str) -> str | None:
    """A publisher's date as an index time, or None if unreadable or in the future (a date
    ahead of the listing's own fetch would pull its page forward on every run)."""
    if not isinstance(stamp, str):
        return None
    try:
        when = parse_when(stamp)
    except ValueError:
        return None
    if when > parse_when(listed_at) + LASTMOD_SKEW:
        return None
    return to_iso(when)


def _language(value: object) -> str | None:
    """A pageinfo record's language, if it is one (records are input like any other)."""
    if isinstance(value, str) and 2 <= len(value) <= 3 and value.isascii() and value.isalpha():
        return value.lower()
    return None


def _is_web(uri: str) -> bool:
    return uri.lower().startswith(("http://", "https://"))


def page_state(status: int | None) -> str:
    """live | redirected | gone | error, from an HTTP status."""
    if status is None:
        return "error"
    if 200 <= status < 300 or status == 304:
        return "live"
    if 300 <= status < 400:
        return "redirected"
    if status in (404, 410):
        return "gone"
    return "error"


class Ingestor:
    """Applies records to an index, in the order they were written."""

    def __init__(self, index: Index, collection: str) -> None:
        self.index = index
        self.collection = collection
        self.ignored: list[str] = []  # descriptions left out: "<record id>: why"
        self._origins: dict[str, FileOrigin] = {}

    def origin(self, filename: str) -> FileOrigin:
        """Who wrote a file of this collection (cached: every record asks)."""
        if filename not in self._origins:
            self._origins[filename] = file_origin(self.collection, filename)
        return self._origins[filename]

    def apply(self, info: RecordInfo) -> str | None:
        """Index one record; for pageinfo and revisit records, return how the text relates to
        the URL's earlier captures (archive.index.versioning: NEW_VERSION, RETURNED, …)."""
        if info.warc_type in ("response", "revisit") and not _is_web(info.target_uri):
            # dns:, whois: and the like, from other tools' WARCs: not pages of anything.
            return None
        if info.warc_type == "response":
            self._capture(info, "response", None)
        elif info.warc_type == "revisit":
            return self._revisit(info)
        elif info.warc_type == "metadata" and info.target_uri.startswith(PAGEINFO_PREFIX):
            return self._pageinfo(info)
        elif info.warc_type == "conversion" and info.target_uri.startswith(TEXT_PREFIX):
            self._text(info)
        elif info.warc_type == "resource" and info.target_uri.startswith(VIEW_PREFIX):
            self._view(info)
        elif info.warc_type == "metadata" and info.target_uri.startswith(VIEWINFO_PREFIX):
            self._viewinfo(info)
        return None

    def _capture(self, info: RecordInfo, kind: str, original: Capture | None) -> Capture:
        headers = info.http_headers
        lineage = self.origin(info.filename).lineage
        capture = Capture(
            url=info.target_uri, collection=self.collection, fetched_at=info.date, kind=kind,
            record_id=info.record_id, warc_file=info.filename, warc_offset=info.offset,
            warc_length=info.length, status=info.status, refers_to=info.refers_to,
            payload_digest=info.payload_digest, mime=headers.get("content-type"),
            truncated=info.truncated if kind == "response" else None, origin=lineage,
        )
        if original is not None:
            capture.text_hash = original.text_hash
            capture.extraction = original.extraction
            capture.title = original.title
            capture.mime = capture.mime or original.mime
            capture.info_file = original.info_file
            capture.social_title = original.social_title
            capture.search_title = original.search_title
            capture.structured_headline = original.structured_headline
            capture.body_hash = original.body_hash
        capture.id = self.index.add_capture(capture)
        self.index.link_pending_citations(capture.url, capture.id, capture.fetched_at, lineage)
        ok = info.status is not None and (200 <= info.status < 300 or info.status == 304)
        self.index.touch_page(
            capture.url, self.collection, info.date, info.status, page_state(info.status),
            etag=headers.get("etag") if ok else None,
            last_modified=headers.get("last-modified") if ok else None, origin=lineage,
        )
        return capture

    def _revisit(self, info: RecordInfo) -> str | None:
        lineage = self.origin(info.filename).lineage
        original = self.index.capture_by_record(info.refers_to) if info.refers_to else None
        if original is None and info.profile == PROFILE_NOT_MODIFIED:
            original = self.index.latest_response(info.target_uri, lineage)
        elif original is None and info.payload_digest:
            # A revisit that names no original (WARC 1.1 only recommends WARC-Refers-To): the
            # earlier response of the URL it names with that payload, as pywb finds it.
            original = self.index.find_payload(info.refers_to_target or info.target_uri,
                                               info.payload_digest, lineage)
        kind = "not-modified" if info.profile == PROFILE_NOT_MODIFIED else "revisit"
        previous = self.index.latest_text_capture(info.target_uri, before=info.date,
                                                  origin=lineage)
        if original is not None and not info.refers_to:
            info.refers_to = original.record_id  # the row names the original it was found to be
        capture = self._capture(info, kind, original)
        if capture.extraction == "ok" and capture.text_hash:
            return self._observe(capture, previous, title=capture.title)
        return None

    def _described(self, info: RecordInfo, what: str) -> Capture | None:
        """The capture a description names, if its file may speak for it; else None, and
        the description is counted as ignored."""
        capture = self.index.capture_by_record(info.refers_to) if info.refers_to else None
        if capture is None:
            logger.warning("%s %s refers to %s, which is not indexed; skipped", what,
                           info.record_id, info.refers_to)
            return None
        theirs = file_origin(capture.collection, capture.warc_file)
        if not may_describe(self.origin(info.filename), theirs):
            whose = "crawled here" if theirs.lineage == CRAWL_LINEAGE else "of another import"
            self.ignored.append(f"{info.record_id}: a {what} in {info.filename} describes "
                                f"{capture.record_id} in {capture.warc_file} ({whose})")
            logger.warning("%s %s in %s describes a capture %s (%s); kept in the WARC, left out "
                           "of the index", what, info.record_id, info.filename, whose,
                           capture.record_id)
            return None
        return capture

    def _pageinfo(self, info: RecordInfo) -> str | None:
        data = info.data or {}
        capture = self._described(info, "description")
        if capture is None:
            return None
        status = data.get("status")
        text_hash = data.get("text_hash") if status == "ok" else None
        if text_hash is not None and not isinstance(text_hash, str):
            text_hash = None
        title = data.get("title") if isinstance(data.get("title"), str) else None
        previous = self.index.latest_text_capture(capture.url, before=capture.fetched_at,
                                                  origin=capture.origin)
        self.index.set_capture_text(capture.row_id, text_hash, status or "failed", title,
                                    info.filename)
        if text_hash is not None:
            body_hash = data.get("body_hash")
            self.index.set_capture_headlines(
                capture.row_id, _metadata_headlines(data),
                body_hash if isinstance(body_hash, str) and len(body_hash) <= 100 else None)
        if isinstance(data.get("role"), str):
            self.index.set_page_role(capture.url, data["role"], capture.origin)
        if capture.origin == CRAWL_LINEAGE:
            self._scheduling_inputs(capture, data)  # imported time is never the schedule
        self._requisites(capture, data)
        if status != "ok" or not text_hash:
            return NOT_ARTICLE if status == "not-article" else FIRST_FAILED
        for link in data.get("links") or []:
            if isinstance(link, str):
                self.index.add_citation(capture.url, capture.row_id, text_hash, link,
                                        capture.fetched_at)
        capture.text_hash = text_hash
        return self._observe(capture, previous, title=title,
                             byline=_text_or_none(data.get("byline")),
                             published=_text_or_none(data.get("published")),
                             language=_language(data.get("language")))

    def _scheduling_inputs(self, capture: Capture, data: dict[str, Any]) -> None:
        """The seed a page was captured under, and the dates a feed or sitemap gave for the
        pages it lists (scheduling reads both; see archive/schedule/policy.py)."""
        if isinstance(data.get("seed"), str):
            self.index.note_seed(capture.url, data["seed"], capture.fetched_at)
        lastmods = data.get("lastmod")
        if isinstance(lastmods, dict):
            # In URL order: concurrent writers (PostgreSQL) then lock rows in one order.
            for url, stamp in sorted(lastmods.items()):
                when = usable_lastmod(stamp, capture.fetched_at)
                if isinstance(url, str) and when is not None:
                    self.index.note_lastmod(url, when, capture.fetched_at, capture.url)

    def _requisites(self, capture: Capture, data: dict[str, Any]) -> None:
        """What the page needed to render, as its pageinfo listed it (archive.archiver)."""
        rows = [row for row in data.get("requisites") or () if _requisite_row(row)]
        if rows:
            self.index.add_requisites(capture.row_id, [
                {"url": row["url"], "kind": row["type"], "outcome": row["outcome"],
                 "status": row.get("status") if isinstance(row.get("status"), int) else None,
                 "via": row.get("via") if isinstance(row.get("via"), str) else None,
                 "fresh_until": row.get("fresh_until")
                 if isinstance(row.get("fresh_until"), str) else None}
                for row in rows])

    def _view(self, info: RecordInfo) -> None:
        self.index.add_view(View(
            url=info.target_uri[len(VIEW_PREFIX):], made_at=info.date, status=None,
            record_id=info.record_id, mime=info.content_type, warc_file=info.filename,
            warc_offset=info.offset, warc_length=info.length))

    def _viewinfo(self, info: RecordInfo) -> None:
        """Ties a screenshot to the capture it shows, or records why there is none."""
        data = info.data or {}
        capture = self.index.capture_by_record(info.refers_to) if info.refers_to else None
        if capture is None:
            logger.warning("viewinfo %s refers to %s, which is not indexed; skipped",
                           info.record_id, info.refers_to)
            return
        status = "ok" if data.get("status") == "ok" else "failed"
        reason = str(data["reason"])[:500] if data.get("reason") else None
        view = data.get("view")
        if status == "ok" and isinstance(view, str) and \
                self.index.link_view(view, capture.row_id, status, reason):
            return
        self.index.add_view(View(url=capture.url, made_at=info.date, status="failed",
                                 capture=capture.id, reason=reason or "no screenshot record"))

    def _observe(self, capture: Capture, previous: Capture | None,
                 **details: str | None) -> str:
        """Record the capture's text as a version of its URL; the outcome is decided by
        archive.index.versioning, as the crawl decided it before writing."""
        text_hash = capture.text_hash
        if text_hash is None:
            raise ValueError(f"capture {capture.record_id} has no text to observe")
        # Whether the URL had this text comes from the write itself (an insert or an update
        # of the version row), so concurrent writers cannot both count it as new.
        is_new = self.index.observe_version(capture.url, text_hash, capture.fetched_at,
                                            capture.row_id, origin=capture.origin, **details)
        before = previous.text_hash if previous is not None and previous.id != capture.id \
            else None
        outcome = text_outcome(text_hash, before, known=not is_new)
        if is_change(outcome, before):
            self.index.note_change(capture.url, capture.fetched_at, capture.origin)
        return outcome

    def _text(self, info: RecordInfo) -> None:
        capture = self._described(info, "text record")
        if capture is None:
            return
        if not capture.text_hash:
            logger.warning("text record %s has no extracted capture to belong to; skipped",
                           info.record_id)
            return
        self.index.set_version_text(capture.url, capture.text_hash, info.filename,
                                    info.offset, info.length, capture.origin)
        version = self.index.version(capture.url, capture.text_hash, capture.origin)
        if info.text is not None and version is not None:
            self.index.add_version_text(version, info.text)


def _requisite_row(row: object) -> bool:
    """A pageinfo's requisite entry as archive.archiver writes it (others are skipped)."""
    return (isinstance(row, dict) and isinstance(row.get("url"), str)
            and isinstance(row.get("type"), str) and isinstance(row.get("outcome"), str)
            and len(row["url"]) <= 8192)


# Longer than any headline the extractor keeps (archive.extract.headlines.MAX_HEADLINE_CHARS):
# a record claiming more is not trusted with the index's space.
_MAX_HEADLINE_CHARS = 1000


def _metadata_headlines(data: dict[str, object]) -> MetadataHeadlines:
    """The metadata headlines of a pageinfo record (absent or unusable ones None)."""
    def field(name: str) -> str | None:
        value = data.get(name)
        return value if isinstance(value, str) and 0 < len(value) <= _MAX_HEADLINE_CHARS \
            else None
    return MetadataHeadlines(field("social_title"), field("search_title"),
                             field("structured_headline"))


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
