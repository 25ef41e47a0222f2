"""The archiver: writes each exchange to WARC, decides revisits and versions, indexes it.

It knows nothing of Scrapy; the crawler hands it plain `HttpExchange`s, and `import` can too.
Index rows are committed in batches, each only after the WARC bytes they point at are synced,
so the index never points at a record that is not on disk.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any, Callable, Sequence

from warcio.recordloader import ArcWarcRecord
from warcio.utils import Digester

from archive import __version__
from archive.exceptions import RecordRefusedError
from archive.index import Index, open_index
from archive.index.ingest import Ingestor, RecordInfo
from archive.index.versioning import NEW_VERSION, text_outcome
from archive.limits import MAX_HTTP_HEADER_BYTES
from archive.store.faults import fault, kill_now
from archive.store.layout import DataLayout
from archive.warc.records import CaptureRef, HttpExchange, RecordFactory
from archive.warc.writer import DEFAULT_GZIP_LEVEL, DEFAULT_MAX_BYTES, WarcFileWriter

logger = logging.getLogger(__name__)

COMMIT_EVERY_RECORDS = 200
COMMIT_EVERY_SECONDS = 2.0


@dataclass(frozen=True)
class CaptureResult:
    """What was written for one exchange."""

    url: str
    record_id: str
    date: str
    kind: str  # response | revisit | not-modified
    status: int
    refers_to: CaptureRef | None = None  # the original, for revisits
    # for revisits: how the text relates to before (archive.index.versioning)
    outcome: str | None = None
    truncated: str | None = None  # WARC-Truncated of the response: never extracted
    origin: str = "crawl"  # the capture's lineage: an import describes imported captures

    @property
    def is_revisit(self) -> bool:
        return self.kind != "response"


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest of a body, as warcio writes it (sha1, base32)."""
    digester = Digester("sha1")
    digester.update(body)
    return str(digester)


def software_versions() -> str:
    """`palimpsest/x (scrapy/y, warcio/z, trafilatura/w)` for warcinfo records."""
    parts = []
    for package in ("scrapy", "warcio", "trafilatura"):
        try:
            parts.append(f"{package}/{importlib_metadata.version(package)}")
        except importlib_metadata.PackageNotFoundError:
            continue
    return f"palimpsest/{__version__} ({', '.join(parts)})"


class Archiver:
    """One collection's writer, index and ingest, used by one process at a time."""

    def __init__(
        self,
        data_dir: str | Path,
        collection: str,
        *,
        warcinfo: dict[str, str] | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        gzip_level: int = DEFAULT_GZIP_LEVEL,
        factory: RecordFactory | None = None,
        index: Index | None = None,
        file_suffix: str = "",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.layout = DataLayout(data_dir)
        self.collection = collection
        self.factory = factory or RecordFactory()
        self.index = index or open_index(self.layout.root)
        self.ingestor = Ingestor(self.index, collection)
        fields = {"software": software_versions(), "format": "WARC File Format 1.1",
                  "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                                "warc-format/warc-1.1/",
                  "isPartOf": collection}
        fields.update(warcinfo or {})
        writer_options = {"clock": clock} if clock else {}
        self.writer = WarcFileWriter(
            self.layout.archive_dir(collection), collection, self.factory, warcinfo=fields,
            max_bytes=max_bytes, gzip_level=gzip_level, suffix=file_suffix, **writer_options,
        )
        self._pending = 0
        self._last_commit = time.monotonic()

    # -- exchanges ----------------------------------------------------------------------------

    def capture(self, ex: HttpExchange) -> CaptureResult:
        """Write the request and the response (or a revisit) of one exchange and index them.

        An exchange whose header block is over what `verify` accepts is refused whole
        (RecordRefusedError): a cut header block would not be the prefix WARC-Truncated
        describes, and no real server sends a megabyte of headers (README: Safety)."""
        head = ex.response_head_bytes()
        if head > MAX_HTTP_HEADER_BYTES:
            raise RecordRefusedError(
                "headers-too-large", f"{ex.url[:200]}: HTTP header block of {head} bytes "
                f"({len(ex.response_headers)} headers) is over {MAX_HTTP_HEADER_BYTES}; "
                "not archived")
        response_id = self.factory.new_id()
        original: CaptureRef | None = None
        if ex.status == 304:
            # A crawl refers only to what it crawled itself: never to an imported capture.
            previous = self.index.latest_response(ex.url, "crawl")
            if previous is not None:
                original = CaptureRef(previous.record_id, previous.url, previous.fetched_at,
                                      previous.payload_digest)
            response = self.factory.revisit_not_modified(ex, response_id, original)
            kind = "not-modified"
        else:
            digest = payload_digest(ex.body)
            earlier = None
            if 200 <= ex.status < 300 and not ex.truncated:
                earlier = self.index.find_payload(ex.url, digest, "crawl")
            if earlier is not None:
                original = CaptureRef(earlier.record_id, earlier.url, earlier.fetched_at, digest)
                response = self.factory.revisit_identical(ex, response_id, original)
                kind = "revisit"
            else:
                response = self.factory.response(ex, response_id, payload_digest=digest)
                kind = "response"
        request = self.factory.request(ex, self.factory.new_id(), concurrent_to=response_id)
        outcomes = self._write_and_index([request, response])
        date = response.rec_headers.get_header("WARC-Date")
        return CaptureResult(ex.url, response_id, date, kind, ex.status, original, outcomes[1],
                             truncated=ex.truncated if kind == "response" else None)

    def text_outcome(self, url: str, text_hash: str, origin: str = "crawl") -> str:
        """What a text about to be described would be for `url` in one lineage (crawled here,
        or imported): NEW_VERSION, RETURNED or UNCHANGED (decided by
        archive.index.versioning, from what is indexed so far)."""
        known = self.index.has_version(url, text_hash, origin)
        # A text the URL never had is new whatever came before: skip the second query.
        previous = self.index.latest_text_capture(url, origin=origin) if known else None
        return text_outcome(text_hash, previous.text_hash if previous else None, known)

    def describe(self, capture: CaptureResult, data: dict[str, Any],
                 text: str | None = None) -> str | None:
        """Write the pageinfo metadata (and the text, when it is a new version) of a capture.

        Returns how the text relates to the URL's earlier captures (archive.index.versioning).
        """
        records = [self.factory.metadata(capture.url, capture.record_id, data, capture.date)]
        text_hash = data.get("text_hash")
        if (data.get("status") == "ok" and text is not None and text_hash
                and self.text_outcome(capture.url, text_hash, capture.origin) == NEW_VERSION):
            records.append(self.factory.conversion(capture.url, capture.record_id, text,
                                                   capture.date))
        outcomes = self._write_and_index(records, data=data, text=text)
        return outcomes[0]

    def add_view(self, url: str, shows: str, image: bytes | None, content_type: str | None,
                 data: dict[str, Any]) -> str | None:
        """Write a screenshot of the capture whose record ID is `shows` (a `urn:view:`
        resource) and its viewinfo, or only the viewinfo saying why there is none.
        Returns the screenshot's record ID."""
        records = []
        view_id = None
        if image is not None and content_type:
            view = self.factory.view(url, image, content_type)
            view_id = view.rec_headers.get_header("WARC-Record-ID")
            records.append(view)
            data = {**data, "view": view_id, "status": "ok"}
        else:
            data = {**data, "status": "failed"}
        date = records[0].rec_headers.get_header("WARC-Date") if records else self.factory.now()
        records.append(self.factory.viewinfo(url, shows, data, date))
        self._write_and_index(records, data=data)
        return view_id

    # -- batching -----------------------------------------------------------------------------

    def _write_and_index(self, records: Sequence[ArcWarcRecord],
                         data: dict[str, Any] | None = None,
                         text: str | None = None) -> list[str | None]:
        locations = self.writer.write_group(records)
        self.index.begin()
        outcomes = []
        for record, location in zip(records, locations):
            payload = data if record.rec_type == "metadata" else None
            body = text if record.rec_type == "conversion" else None
            info = RecordInfo.from_record(record, location.filename, location.offset,
                                          location.length, data=payload, text=body)
            outcomes.append(self.ingestor.apply(info))
        last = locations[-1]
        self.index.set_indexed_to(last.filename, self.collection, last.offset + last.length)
        self._pending += len(records)
        self.maybe_commit()
        return outcomes

    def maybe_commit(self) -> None:
        """Commit when enough records or time have passed since the last commit."""
        batch = min(COMMIT_EVERY_RECORDS, getattr(self.index, "batch_records",
                                                  COMMIT_EVERY_RECORDS))
        if self._pending >= batch or \
                time.monotonic() - self._last_commit >= COMMIT_EVERY_SECONDS:
            self.commit()

    def commit(self) -> None:
        """Sync the WARC bytes, then commit the index rows that point at them."""
        self.writer.sync()
        # tests: a crash between "WARC synced" and "rows committed"; only a commit that has
        # rows to lose counts, so a commit at close with nothing pending cannot take the crash
        if self._pending and fault("index-commit") == "kill":
            kill_now()
        self.index.commit()
        self._pending = 0
        self._last_commit = time.monotonic()

    def close(self) -> None:
        """Commit, close the WARC file (renaming it from `.open`) and the index."""
        try:
            self.commit()
        finally:
            self.writer.close()
            self.index.close()


def pageinfo(
    *,
    role: str,
    status: str,
    text_hash: str | None = None,
    extraction: dict[str, Any] | None = None,
    links: Sequence[str] = (),
    cited_by: Sequence[dict[str, Any]] = (),
    discovered: Sequence[str] = (),
    ignore: Sequence[str] = (),
    seed: str | None = None,
    lastmod: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The JSON of a pageinfo metadata record; keys are documented in README (Data layout)."""
    data: dict[str, Any] = {"role": role, "status": status}
    if text_hash:
        data["text_hash"] = text_hash
    if extraction:
        data.update(extraction)
    if links:
        data["links"] = list(links)
    if cited_by:
        data["cited_by"] = list(cited_by)
    if discovered:
        data["discovered"] = list(discovered)
    if ignore:
        data["ignore"] = list(ignore)
    if seed:
        data["seed"] = seed
    if lastmod:
        data["lastmod"] = dict(lastmod)
    return data
